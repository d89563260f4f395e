package dev.totem.protocol.pack;

import dev.totem.protocol.api.Guarantee;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Packs application messages into frames of at most {@code payloadBytesMax} packed bytes, and
 * splits a message that does not fit across several frames, beginning it in the rest of the open
 * frame. Small messages are only copied into the open frame; it is closed when it is full, when
 * the guarantee changes, or on {@link #flush} (when the token arrives, so that small messages are
 * batched per token visit).
 */
public final class Packer {
    /**
     * A message that does not fit the open frame is begun in it only when at least this much room
     * is left (or 1/{@link #FILL_MIN_FRACTION} of a frame, if less): a smaller rest would save
     * less than the copy its reassembly costs each receiver.
     */
    static final int FILL_MIN_BYTES = 1024;
    static final int FILL_MIN_FRACTION = 16;

    private final int headroomBytes;
    private final int fillMinBytes;
    private final int payloadBytesMax;
    /** The open frame as it will be sent: headroom, header, pieces; the lengths are added at flush. */
    private final byte[] open;
    private final int[] pieceLengths;
    private int pieceCount;
    private int dataBytes;
    private int openFlags;
    private Guarantee openGuarantee;
    private int frameNo;

    /**
     * @param headroomBytes bytes left free in front of the payload for the frame header
     * @param payloadBytesMax largest packed payload of one frame, header included
     */
    public Packer(int headroomBytes, int payloadBytesMax) {
        if (payloadBytesMax < PackedFormat.HEADER_BYTES + PackedFormat.LENGTH_BYTES + 1) {
            throw new IllegalArgumentException("payloadBytesMax too small: " + payloadBytesMax);
        }
        this.headroomBytes = headroomBytes;
        this.payloadBytesMax = payloadBytesMax;
        this.open = new byte[headroomBytes + payloadBytesMax];
        this.pieceLengths = new int[Math.min(PackedFormat.MAX_PIECES, payloadBytesMax / PackedFormat.LENGTH_BYTES)];
        this.fillMinBytes = Math.min(FILL_MIN_BYTES, payloadBytesMax / FILL_MIN_FRACTION);
    }

    /** Whether a frame is open (holds at least one piece not yet handed to the sink). */
    public boolean hasOpenFrame() {
        return pieceCount > 0;
    }

    /**
     * The most frames that adding a message of {@code messageBytes} can close, counting the
     * frame open now: the bound a sender checks against its queue before accepting a message.
     */
    public int framesNeeded(int messageBytes) {
        int perFrame = payloadBytesMax - PackedFormat.HEADER_BYTES - PackedFormat.LENGTH_BYTES;
        return messageBytes / perFrame + 2;
    }

    /** Adds one message; the frames it closes go to {@code sink} in order. */
    public void add(byte[] message, Guarantee guarantee, FrameSink sink) {
        int rest = spaceInOpenFrame();
        if (pieceCount > 0 && (openGuarantee != guarantee || (message.length > rest && rest < fillMinBytes))) {
            // A message that does not fit starts its first piece in what is left of the open frame
            // when that is worth a reassembly; below fillMinBytes the rest stays empty. A frame may
            // so end with the head of a fragmented message after whole ones: SendQueue strips those
            // before sending the head again in a new ring.
            flush(sink);
        }
        int offset = 0;
        int remaining = message.length;
        boolean continuing = false;
        while (true) {
            if (pieceCount == 0) {
                openFlags = continuing ? PackedFormat.FLAG_CONTINUATION : 0;
                openGuarantee = guarantee;
            }
            int space = spaceInOpenFrame();
            if (space <= 0 || pieceCount == pieceLengths.length) {
                flush(sink);
                continue;
            }
            if (remaining <= space) {
                append(message, offset, remaining);
                return;
            }
            append(message, offset, space);
            openFlags |= PackedFormat.FLAG_FRAGMENTED;
            offset += space;
            remaining -= space;
            continuing = true;
            flush(sink);
        }
    }

    private int spaceInOpenFrame() {
        return payloadBytesMax - PackedFormat.HEADER_BYTES - PackedFormat.LENGTH_BYTES * (pieceCount + 1) - dataBytes;
    }

    private void append(byte[] message, int offset, int length) {
        System.arraycopy(message, offset, open, headroomBytes + PackedFormat.HEADER_BYTES + dataBytes, length);
        dataBytes += length;
        pieceLengths[pieceCount++] = length;
    }

    /** Closes the open frame, if any, and hands it to {@code sink}. */
    public void flush(FrameSink sink) {
        if (pieceCount == 0) {
            return;
        }
        int packedBytes = PackedFormat.HEADER_BYTES + dataBytes + PackedFormat.LENGTH_BYTES * pieceCount;
        ByteBuffer b = ByteBuffer.wrap(open);
        int p = headroomBytes;
        b.putShort(p, (short) pieceCount);
        b.put(p + 2, (byte) openFlags);
        b.putInt(p + 4, frameNo++);
        p += PackedFormat.HEADER_BYTES + dataBytes;
        for (int i = 0; i < pieceCount; i++) {
            b.putShort(p, (short) pieceLengths[i]);
            p += PackedFormat.LENGTH_BYTES;
        }
        // One copy into an array of the frame's exact size (the JIT allocates it without zeroing).
        byte[] frame = Arrays.copyOf(open, headroomBytes + packedBytes);
        Guarantee g = openGuarantee;
        pieceCount = 0;
        dataBytes = 0;
        openFlags = 0;
        sink.accept(frame, g);
    }
}
