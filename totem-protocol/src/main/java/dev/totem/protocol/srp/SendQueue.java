package dev.totem.protocol.srp;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.pack.FrameSink;

/**
 * The frames this node has packed and not yet broadcast, in order. Bounded: the owner checks
 * {@link #free()} before accepting a message, so a frame is never refused once its message was
 * accepted. It outlives a ring: frames not sent in one ring go out in the next.
 */
public final class SendQueue implements FrameSink {
    private final byte[][] frames;
    private final Guarantee[] guarantees;
    private int head;
    private int size;

    public SendQueue(int capacityFrames) {
        frames = new byte[capacityFrames][];
        guarantees = new Guarantee[capacityFrames];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return frames.length;
    }

    public int free() {
        return frames.length - size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public void accept(byte[] frame, Guarantee guarantee) {
        if (size == frames.length) {
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
        frames[head] = null;
        guarantees[head] = null;
        head = (head + 1) % frames.length;
        size--;
        return f;
    }
}
