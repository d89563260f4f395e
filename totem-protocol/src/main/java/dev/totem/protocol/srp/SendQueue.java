package dev.totem.protocol.srp;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.pack.FrameSink;
import dev.totem.protocol.pack.PackedFormat;
import dev.totem.protocol.wire.McastFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames this node has packed and not yet broadcast, in order. Bounded: the owner checks
 * {@link #free()} before accepting a message, so a frame is never refused once its message was
 * accepted. It outlives a ring: frames not sent in one ring go out in the next.
 *
 * <p>A queue of packed application frames also remembers the frames already sent of a message
 * that is fragmented and not finished. If the ring changes in the middle of such a message,
 * {@link #restartUnfinishedMessage()} puts copies of them back in front, so the message is sent
 * whole in the new ring: no configuration ever delivers a message whose start was broadcast in
 * another one. The first of them keeps only the message's own piece, since the packer begins a
 * message in the rest of a frame that already holds others.
 */
public final class SendQueue implements FrameSink {
    private final byte[][] frames;
    private final Guarantee[] guarantees;
    private final boolean tracksMessages;
    private final List<byte[]> unfinishedSent = new ArrayList<>();
    private final List<Guarantee> unfinishedGuarantees = new ArrayList<>();
    private int head;
    private int size;

    /** A queue of packed application frames. */
    public SendQueue(int capacityFrames) {
        this(capacityFrames, true);
    }

    /**
     * @param tracksMessages whether frames hold packed application messages (false for a queue of
     *     encapsulated recovery frames)
     */
    public SendQueue(int capacityFrames, boolean tracksMessages) {
        frames = new byte[capacityFrames][];
        guarantees = new Guarantee[capacityFrames];
        this.tracksMessages = tracksMessages;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return frames.length;
    }

    /** Frames that can still be accepted: sent frames of an unfinished message keep their place. */
    public int free() {
        return frames.length - size - unfinishedSent.size();
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public void accept(byte[] frame, Guarantee guarantee) {
        if (size + unfinishedSent.size() >= frames.length) {
            // The caller reserved room before packing; reaching this is a bug, not back-pressure.
            throw new IllegalStateException("send queue overflow: " + size + " frames");
        }
        int tail = (head + size) % frames.length;
        frames[tail] = frame;
        guarantees[tail] = guarantee;
        size++;
    }

    /** The guarantee of the oldest frame; the queue must not be empty. */
    public Guarantee peekGuarantee() {
        return guarantees[head];
    }

    /** Removes and returns the oldest frame, or null when empty. */
    public byte[] poll() {
        if (size == 0) {
            return null;
        }
        byte[] f = frames[head];
        Guarantee g = guarantees[head];
        frames[head] = null;
        guarantees[head] = null;
        head = (head + 1) % frames.length;
        size--;
        if (tracksMessages) {
            trackUnfinished(f, g);
        }
        return f;
    }

    private void trackUnfinished(byte[] frame, Guarantee g) {
        int flags = frame[McastFrame.PAYLOAD_OFFSET + 2] & 0xFF;
        boolean continues = (flags & PackedFormat.FLAG_CONTINUATION) != 0;
        boolean fragmented = (flags & PackedFormat.FLAG_FRAGMENTED) != 0;
        if (!continues || pieceCount(frame) > 1) {
            // The message this frame continues, if any, ends in it; its last piece may begin another.
            unfinishedSent.clear();
            unfinishedGuarantees.clear();
        }
        if (fragmented) {
            unfinishedSent.add(frame);
            unfinishedGuarantees.add(g);
        } else {
            unfinishedSent.clear();
            unfinishedGuarantees.clear();
        }
    }

    /** Frames already sent of the message being fragmented, if one is unfinished. */
    public int unfinishedSentFrames() {
        return unfinishedSent.size();
    }

    /**
     * The ring changed: puts copies of the sent frames of the unfinished fragmented message back
     * in front (copies, since the sent arrays may still be in flight or held by the old ring).
     * They fit, because {@link #free()} kept their places.
     */
    public void restartUnfinishedMessage() {
        int n = unfinishedSent.size();
        for (int i = n - 1; i >= 0; i--) {
            head = (head - 1 + frames.length) % frames.length;
            frames[head] = i == 0 ? headPieceOnly(unfinishedSent.get(0)) : unfinishedSent.get(i).clone();
            guarantees[head] = unfinishedGuarantees.get(i);
            size++;
        }
        unfinishedSent.clear();
        unfinishedGuarantees.clear();
    }

    private static int pieceCount(byte[] frame) {
        return Short.toUnsignedInt(ByteBuffer.wrap(frame).getShort(McastFrame.PAYLOAD_OFFSET));
    }

    /**
     * A copy of the first frame of an unfinished message holding only that message's first piece
     * (its last piece): the whole messages packed before it were broadcast in the old ring and
     * must not be sent again. Same frame number, so the next frame still continues it.
     */
    private static byte[] headPieceOnly(byte[] frame) {
        int count = pieceCount(frame);
        if (count == 1) {
            return frame.clone();
        }
        ByteBuffer in = ByteBuffer.wrap(frame);
        int p = McastFrame.PAYLOAD_OFFSET;
        int lastLength = Short.toUnsignedInt(in.getShort(frame.length - PackedFormat.LENGTH_BYTES));
        int lastStart = frame.length - PackedFormat.LENGTH_BYTES * count - lastLength;
        if (lastStart < p + PackedFormat.HEADER_BYTES) {
            throw new IllegalStateException("inconsistent packed frame: " + count + " pieces in " + frame.length + " bytes");
        }
        byte[] copy = new byte[p + PackedFormat.HEADER_BYTES + lastLength + PackedFormat.LENGTH_BYTES];
        ByteBuffer out = ByteBuffer.wrap(copy);
        out.putShort(p, (short) 1);
        out.put(p + 2, (byte) PackedFormat.FLAG_FRAGMENTED);
        out.putInt(p + 4, in.getInt(p + 4));
        System.arraycopy(frame, lastStart, copy, p + PackedFormat.HEADER_BYTES, lastLength);
        out.putShort(copy.length - PackedFormat.LENGTH_BYTES, (short) lastLength);
        return copy;
    }
}
