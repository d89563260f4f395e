package dev.totem.protocol.srp;

/**
 * The frames of one ring by sequence number, from the last released seq up to
 * {@code released + capacity}: received and sent frames wait here until they are delivered and
 * every member holds them. A ring buffer indexed by seq, so lookups cost nothing and memory is
 * bounded by the capacity.
 */
public final class SortQueue {
    private final byte[][] frames;
    private final int[] missCounts;
    private final int mask;
    private long released;

    public SortQueue(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        frames = new byte[capacity][];
        missCounts = new int[capacity];
        mask = capacity - 1;
    }

    public int capacity() {
        return frames.length;
    }

    /** Every seq up to this one was released (and delivered). */
    public long released() {
        return released;
    }

    /** Whether {@code seq} falls in the window this queue can hold now. */
    public boolean inWindow(long seq) {
        return seq > released && seq <= released + frames.length;
    }

    /** The frame of {@code seq}, or null when missing or outside the window. */
    public byte[] get(long seq) {
        return inWindow(seq) ? frames[(int) (seq & mask)] : null;
    }

    public boolean has(long seq) {
        return get(seq) != null;
    }

    /** Stores {@code frame} at {@code seq}, which must be in the window and not yet held. */
    public void put(long seq, byte[] frame) {
        if (!inWindow(seq)) {
            throw new IllegalArgumentException("seq " + seq + " outside (" + released + ", " + (released + frames.length) + "]");
        }
        int i = (int) (seq & mask);
        frames[i] = frame;
        missCounts[i] = 0;
    }

    /** Counts one more token visit on which {@code seq} was missing; returns the new count. */
    public int countMiss(long seq) {
        return ++missCounts[(int) (seq & mask)];
    }

    /** Releases every seq up to {@code seq}, which must all be held. */
    public void releaseUpTo(long seq) {
        long upTo = Math.min(seq, released + frames.length);
        while (released < upTo) {
            released++;
            int i = (int) (released & mask);
            frames[i] = null;
            missCounts[i] = 0;
        }
    }

    /** Drops everything and restarts the window after {@code seq} (a new ring). */
    public void reset(long seq) {
        java.util.Arrays.fill(frames, null);
        java.util.Arrays.fill(missCounts, 0);
        released = seq;
    }
}
