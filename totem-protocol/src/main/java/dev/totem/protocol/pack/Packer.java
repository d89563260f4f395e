package dev.totem.protocol.pack;

import dev.totem.protocol.api.Guarantee;
import java.nio.ByteBuffer;

/**
 * Packs application messages into frames of at most {@code payloadBytesMax} packed bytes, and
 * splits a message that does not fit across several frames. Small messages are only copied into
 * the open frame; it is closed when it is full, when the guarantee changes, or on
 * {@link #flush} (when the token arrives, so that small messages are batched per token visit).
 */
public final class Packer {
    private final int headroomBytes;
    private final int payloadBytesMax;
    private final byte[] data;
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
        this.data = new byte[payloadBytesMax];
        this.pieceLengths = new int[Math.min(PackedFormat.MAX_PIECES, payloadBytesMax / PackedFormat.LENGTH_BYTES)];
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
        if (pieceCount > 0 && (openGuarantee != guarantee || message.length > spaceInOpenFrame())) {
            // A message that does not fit what is left starts a frame of its own, so the frames of
            // a fragmented message carry nothing else before it: they can be sent again whole if
            // the ring changes in the middle of the message (see SendQueue).
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
            int space = payloadBytesMax - PackedFormat.HEADER_BYTES
                    - PackedFormat.LENGTH_BYTES * (pieceCount + 1) - dataBytes;
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
        System.arraycopy(message, offset, data, dataBytes, length);
        dataBytes += length;
        pieceLengths[pieceCount++] = length;
    }

    /** Closes the open frame, if any, and hands it to {@code sink}. */
    public void flush(FrameSink sink) {
        if (pieceCount == 0) {
            return;
        }
        int packedBytes = PackedFormat.HEADER_BYTES + PackedFormat.LENGTH_BYTES * pieceCount + dataBytes;
        byte[] frame = new byte[headroomBytes + packedBytes];
        ByteBuffer b = ByteBuffer.wrap(frame);
        int p = headroomBytes;
        b.putShort(p, (short) pieceCount);
        b.put(p + 2, (byte) openFlags);
        b.putInt(p + 4, frameNo++);
        p += PackedFormat.HEADER_BYTES;
        for (int i = 0; i < pieceCount; i++) {
            b.putShort(p, (short) pieceLengths[i]);
            p += PackedFormat.LENGTH_BYTES;
        }
        System.arraycopy(data, 0, frame, p, dataBytes);
        Guarantee g = openGuarantee;
        pieceCount = 0;
        dataBytes = 0;
        openFlags = 0;
        sink.accept(frame, g);
    }
}
