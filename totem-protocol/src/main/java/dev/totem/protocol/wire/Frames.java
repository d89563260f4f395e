package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The common header of every Totem SRP frame, and the structural check of a whole frame.
 *
 * <p>Header (12 bytes, big-endian like every integer on the wire):
 * <pre>
 *  off size field
 *   0   2   magic = 0x7E70
 *   2   1   version = 2
 *   3   1   type code ({@link FrameType})
 *   4   2   flags (bit 0 = LEAVE, bit 1 = BOOT, on JOIN only; other bits 0)
 *   6   2   frameLength: bytes of the whole frame, header included
 *   8   4   sender: node id of the node that put the frame on the wire
 * </pre>
 * Every frame continues with the ring id it belongs to: ring rep (u32) at 12, ring seq (u64) at
 * 16, so a receiver can tell a foreign ring's frame before it looks at the type.
 *
 * <p>All methods are static and hold no state. All reads and writes are absolute, at
 * {@code offset + field offset}; buffer positions and limits are never moved.
 */
public final class Frames {
    /** First two bytes of every frame. */
    public static final int MAGIC = 0x7E70;
    /**
     * The only version this code reads and writes. 2 since JOIN's held entries carry the exclusion
     * count and flag BOOT exists: a node of a build that speaks 1 cannot share a ring with this one,
     * and its frames are counted (and logged by the node) as UNKNOWN_VERSION instead of failing
     * some length check.
     */
    public static final int VERSION = 2;
    /** Bytes of the common header. */
    public static final int HEADER_LENGTH = 12;
    /** Largest frame: frameLength is a u16. */
    public static final int MAX_FRAME_LENGTH = 65535;
    /** Most retransmit requests one ORF token carries. */
    public static final int MAX_RTR_ENTRIES = 128;
    /** Most nodes in a join list or a commit token (corosync's PROCESSOR_COUNT_MAX). */
    public static final int MAX_PROCESSORS = 384;
    /** Flag bit: this JOIN announces that its sender leaves on purpose. */
    public static final int FLAG_LEAVE = 1;
    /** Flag bit: the sender of this JOIN has installed no ring since it (re)started. */
    public static final int FLAG_BOOT = 2;

    /** Header field offsets. */
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 2;
    public static final int TYPE_OFFSET = 3;
    public static final int FLAGS_OFFSET = 4;
    public static final int FRAME_LENGTH_OFFSET = 6;
    public static final int SENDER_OFFSET = 8;
    /** Ring id offsets, the same in every frame type. */
    public static final int RING_REP_OFFSET = 12;
    public static final int RING_SEQ_OFFSET = 16;

    private Frames() {}

    /**
     * Checks that {@code length} bytes at {@code offset} of {@code buf} are exactly one well-formed
     * frame: header, counts against limits and against the length, and every field with a
     * restricted range. After {@link DecodeStatus#OK} the decoder of the frame's type and the
     * getters of its flyweight read only inside the frame and do not throw.
     *
     * <p>Never throws, whatever the arguments: a region outside the buffer (negative offset or
     * length, or past {@code buf.limit()}) is {@link DecodeStatus#TRUNCATED}, as is a null buffer.
     */
    public static DecodeStatus check(ByteBuffer buf, int offset, int length) {
        if (buf == null || length < HEADER_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        if (length > MAX_FRAME_LENGTH) {
            return DecodeStatus.OVERSIZED;
        }
        if (offset < 0 || offset > buf.limit() - length) {
            return DecodeStatus.TRUNCATED;
        }
        if (Bytes.u16(buf, offset + MAGIC_OFFSET) != MAGIC) {
            return DecodeStatus.BAD_MAGIC;
        }
        if (Bytes.u8(buf, offset + VERSION_OFFSET) != VERSION) {
            return DecodeStatus.UNKNOWN_VERSION;
        }
        FrameType type = type(buf, offset);
        if (type == null) {
            return DecodeStatus.UNKNOWN_TYPE;
        }
        if (frameLength(buf, offset) != length) {
            return DecodeStatus.LENGTH_MISMATCH;
        }
        int flags = flags(buf, offset);
        if ((flags & ~(FLAG_LEAVE | FLAG_BOOT)) != 0 || (flags != 0 && type != FrameType.JOIN) || sender(buf, offset) == 0) {
            return DecodeStatus.BAD_FIELD;
        }
        if (length < type.fixedLength()) {
            return DecodeStatus.TRUNCATED;
        }
        // A join carries the sender's current ring, which is RingId.NONE before its first ring;
        // every other frame belongs to a formed (or forming) ring, whose rep is a real node.
        if (type != FrameType.JOIN && ringRep(buf, offset) == 0) {
            return DecodeStatus.BAD_FIELD;
        }
        return switch (type) {
            case ORF_TOKEN -> OrfTokenFrame.checkBody(buf, offset, length);
            case MCAST -> McastFrame.checkBody(buf, offset, length);
            case MERGE_DETECT, TOKEN_HOLD_CANCEL -> RingFrames.checkBody(length);
            case JOIN -> JoinMessage.checkBody(buf, offset, length);
            case COMMIT_TOKEN -> CommitToken.checkBody(buf, offset, length);
        };
    }

    /** The frame's type, or {@code null} for an unknown code. Needs the header in the buffer. */
    public static FrameType type(ByteBuffer buf, int offset) {
        return FrameType.ofCode(Bytes.u8(buf, offset + TYPE_OFFSET));
    }

    /**
     * The sender a Totem frame names in its header (position 0 to limit), or 0 for anything that
     * does not start with a Totem header: what a layer that authenticates nodes below the engine
     * checks against the node that sealed the frame.
     */
    public static int claimedSender(ByteBuffer frame) {
        if (frame.remaining() < HEADER_LENGTH || Bytes.u16(frame, MAGIC_OFFSET) != MAGIC) {
            return 0;
        }
        return sender(frame, 0);
    }

    /** The node id of the node that put the frame on the wire. */
    public static int sender(ByteBuffer buf, int offset) {
        return Bytes.i32(buf, offset + SENDER_OFFSET);
    }

    /** The frame's length as its header says (0..65535). */
    public static int frameLength(ByteBuffer buf, int offset) {
        return Bytes.u16(buf, offset + FRAME_LENGTH_OFFSET);
    }

    /** The header's flag bits (see {@link #FLAG_LEAVE}, {@link #FLAG_BOOT}). */
    public static int flags(ByteBuffer buf, int offset) {
        return Bytes.u16(buf, offset + FLAGS_OFFSET);
    }

    /** Representative of the ring the frame belongs to; valid for every type after a check. */
    public static int ringRep(ByteBuffer buf, int offset) {
        return Bytes.i32(buf, offset + RING_REP_OFFSET);
    }

    /** Sequence number of the ring the frame belongs to. */
    public static long ringSeq(ByteBuffer buf, int offset) {
        return Bytes.i64(buf, offset + RING_SEQ_OFFSET);
    }

    /** The ring the frame belongs to (allocates). */
    public static RingId ringId(ByteBuffer buf, int offset) {
        return new RingId(ringRep(buf, offset), ringSeq(buf, offset));
    }

    /**
     * Writes a header. Only ranges are checked here ({@code frameLength} must be 12..65535,
     * {@code flags} a u16); {@link #check} judges the combination.
     */
    public static void writeHeader(ByteBuffer buf, int offset, FrameType type, int flags, int frameLength, int sender) {
        Objects.requireNonNull(type, "type");
        if (frameLength < HEADER_LENGTH || frameLength > MAX_FRAME_LENGTH) {
            throw new IllegalArgumentException("frameLength " + frameLength + " outside " + HEADER_LENGTH + ".." + MAX_FRAME_LENGTH);
        }
        if ((flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("flags " + flags + " is no u16");
        }
        Bytes.putU16(buf, offset + MAGIC_OFFSET, MAGIC);
        Bytes.putU8(buf, offset + VERSION_OFFSET, VERSION);
        Bytes.putU8(buf, offset + TYPE_OFFSET, type.code());
        Bytes.putU16(buf, offset + FLAGS_OFFSET, flags);
        Bytes.putU16(buf, offset + FRAME_LENGTH_OFFSET, frameLength);
        Bytes.putI32(buf, offset + SENDER_OFFSET, sender);
    }

    static void writeRingId(ByteBuffer buf, int offset, RingId ring) {
        Bytes.putI32(buf, offset + RING_REP_OFFSET, ring.rep());
        Bytes.putI64(buf, offset + RING_SEQ_OFFSET, ring.seq());
    }

    /** Decoders call this: a frame of another type is a programming error, not a bad packet. */
    static void requireType(ByteBuffer buf, int offset, FrameType expected) {
        FrameType actual = type(buf, offset);
        if (actual != expected) {
            throw new IllegalArgumentException("expected a " + expected + " frame, found " + actual);
        }
    }

    /** Starts encoding a low-rate frame into a new array: header and ring id written. */
    static ByteBuffer newFrame(FrameType type, int flags, int length, int sender, RingId ring) {
        ByteBuffer frame = ByteBuffer.allocate(length);
        writeHeader(frame, 0, type, flags, length, sender);
        writeRingId(frame, 0, ring);
        return frame;
    }

    /**
     * Ends encoding: the frame's bytes. Running the receiver's check here means an encoder can
     * never put on the wire a frame that its peers would drop.
     */
    static byte[] finish(ByteBuffer frame) {
        DecodeStatus status = check(frame, 0, frame.capacity());
        if (status != DecodeStatus.OK) {
            throw new IllegalArgumentException("refusing to encode an invalid " + type(frame, 0) + " frame: " + status);
        }
        return frame.array();
    }
}
