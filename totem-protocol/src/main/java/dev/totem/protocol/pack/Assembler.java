package dev.totem.protocol.pack;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Unpacks packed payloads into application messages and reassembles fragmented ones, one
 * assembly per originating node (frames of one sender arrive in that sender's order).
 */
public final class Assembler {
    /**
     * Receives each complete application message: {@code length} bytes of {@code bytes} from
     * {@code offset}. A whole message is not copied: {@code bytes} is then the frame's own array,
     * which the sink must not write.
     */
    @FunctionalInterface
    public interface MessageSink {
        void accept(int originator, byte[] bytes, int offset, int length);
    }

    private final int messageBytesMax;
    private final Map<Integer, Assembly> assemblies = new HashMap<>();
    private long malformedFrames;
    private long discardedPieces;

    public Assembler(int messageBytesMax) {
        this.messageBytesMax = messageBytesMax;
    }

    /** Frames whose packed layout was inconsistent; they were dropped whole. */
    public long malformedFrames() {
        return malformedFrames;
    }

    /** Pieces thrown away because the start of their message was never seen (or it was too large). */
    public long discardedPieces() {
        return discardedPieces;
    }

    /** Forgets every partial message of {@code originator} (it left the configuration). */
    public void forget(int originator) {
        assemblies.remove(originator);
    }

    /** Forgets the partial messages of every originator not in {@code keep} (ascending ids). */
    public void retainOnly(int[] keep) {
        assemblies.keySet().removeIf(id -> java.util.Arrays.binarySearch(keep, id) < 0);
    }

    /** Forgets every partial message. */
    public void clear() {
        assemblies.clear();
    }

    /**
     * Unpacks one frame's payload ({@code length} bytes at {@code offset} of {@code buf}) and
     * hands each complete message to {@code sink}. A malformed payload is counted and dropped.
     * Messages refer into {@code buf}'s array when it has one: nobody may write it afterwards.
     */
    public void accept(int originator, ByteBuffer buf, int offset, int length, MessageSink sink) {
        if (!wellFormed(buf, offset, length)) {
            malformedFrames++;
            return;
        }
        int count = Short.toUnsignedInt(buf.getShort(offset));
        int flags = buf.get(offset + 2) & 0xFF;
        int frameNo = buf.getInt(offset + 4);
        Assembly a = assemblies.computeIfAbsent(originator, k -> new Assembly());
        int lengths = offset + length - PackedFormat.LENGTH_BYTES * count;
        int piece = offset + PackedFormat.HEADER_BYTES;
        for (int i = 0; i < count; i++) {
            int len = Short.toUnsignedInt(buf.getShort(lengths + PackedFormat.LENGTH_BYTES * i));
            boolean continues = i == 0 && (flags & PackedFormat.FLAG_CONTINUATION) != 0;
            boolean fragmented = i == count - 1 && (flags & PackedFormat.FLAG_FRAGMENTED) != 0;
            if (continues) {
                if (a.active && a.lastFrameNo + 1 == frameNo) {
                    a.append(buf, piece, len, messageBytesMax);
                } else {
                    discardedPieces++;
                    a.reset();
                    a.discarding = true;
                }
            } else {
                if (a.active) {
                    discardedPieces++;
                    a.reset();
                }
                a.discarding = false;
                if (!fragmented && len <= messageBytesMax) {
                    // A whole message in this frame, the common case: handed out where it lies.
                    wholeMessage(originator, buf, piece, len, sink);
                    piece += len;
                    continue;
                }
                a.active = true;
                a.append(buf, piece, len, messageBytesMax);
            }
            if (!fragmented) {
                if (a.active && !a.discarding && !a.tooLarge) {
                    sink.accept(originator, a.handOver(), 0, a.size());
                } else if (a.tooLarge) {
                    discardedPieces++;
                }
                a.reset();
            } else if (a.discarding) {
                a.reset();
            }
            piece += len;
        }
        a.lastFrameNo = frameNo;
    }

    private static void wholeMessage(int originator, ByteBuffer buf, int at, int len, MessageSink sink) {
        if (buf.hasArray() && !buf.isReadOnly()) {
            sink.accept(originator, buf.array(), buf.arrayOffset() + at, len);
        } else {
            byte[] m = new byte[len];
            buf.get(at, m, 0, len);
            sink.accept(originator, m, 0, len);
        }
    }

    private static boolean wellFormed(ByteBuffer buf, int offset, int length) {
        if (length < PackedFormat.HEADER_BYTES || offset < 0 || offset + length > buf.limit()) {
            return false;
        }
        int count = Short.toUnsignedInt(buf.getShort(offset));
        int flags = buf.get(offset + 2) & 0xFF;
        if (buf.get(offset + 3) != 0 || (flags & ~(PackedFormat.FLAG_CONTINUATION | PackedFormat.FLAG_FRAGMENTED)) != 0) {
            return false;
        }
        if (count == 0 || count > PackedFormat.MAX_PIECES
                || PackedFormat.HEADER_BYTES + (long) PackedFormat.LENGTH_BYTES * count > length) {
            return false;
        }
        int lengths = offset + length - PackedFormat.LENGTH_BYTES * count;
        long total = PackedFormat.HEADER_BYTES + (long) PackedFormat.LENGTH_BYTES * count;
        for (int i = 0; i < count; i++) {
            total += Short.toUnsignedInt(buf.getShort(lengths + PackedFormat.LENGTH_BYTES * i));
        }
        return total == length;
    }

    /** The partial message of one originator. */
    private static final class Assembly {
        private static final byte[] EMPTY = new byte[0];
        private byte[] bytes = new byte[256];
        private int size;
        private boolean active;
        private boolean discarding;
        private boolean tooLarge;
        private int lastFrameNo = -1;

        void append(ByteBuffer buf, int offset, int length, int max) {
            if (tooLarge || (long) size + length > max) {
                tooLarge = true;
                return;
            }
            if (size + length > bytes.length) {
                byte[] grown = new byte[Math.min(max, Math.max(bytes.length * 2, size + length))];
                System.arraycopy(bytes, 0, grown, 0, size);
                bytes = grown;
            }
            buf.get(offset, bytes, size, length);
            size += length;
        }

        /** The reassembled message's array, given up to the caller (no copy): the next message starts a new one. */
        byte[] handOver() {
            byte[] m = bytes;
            bytes = EMPTY;
            return m;
        }

        int size() {
            return size;
        }

        void reset() {
            size = 0;
            active = false;
            tooLarge = false;
            if (bytes.length > 64 * 1024) {
                bytes = new byte[256];
            }
        }
    }
}
