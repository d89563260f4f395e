package dev.totem.simulator;

import dev.totem.protocol.api.TimerKind;

/**
 * What reaches a paused node: frames (up to its socket buffer) and timers that came due, in
 * arrival order, for processing when it resumes.
 */
final class PausedBacklog {
    private static final int TIMER_KINDS = TimerKind.values().length;
    private static final int TIMER_ENTRY = -1;

    private final int capacityPackets;
    private final int[] networks;
    private final int[] timerKinds;
    private final byte[][] frames;
    private final boolean[] timerDue = new boolean[TIMER_KINDS];
    private int size;
    private int packets;

    PausedBacklog(int capacityPackets) {
        this.capacityPackets = capacityPackets;
        int capacityEntries = capacityPackets + TIMER_KINDS;
        networks = new int[capacityEntries];
        timerKinds = new int[capacityEntries];
        frames = new byte[capacityEntries][];
    }

    /** Buffers a frame; false when the socket buffer is full and the frame is dropped. */
    boolean addPacket(int network, byte[] frame) {
        if (packets == capacityPackets) {
            return false;
        }
        networks[size] = network;
        frames[size] = frame;
        size++;
        packets++;
        return true;
    }

    /** Records that a timer came due; a timer kind fires at most once, so this is bounded. */
    void addTimer(int timerKind) {
        if (timerDue[timerKind]) {
            throw new IllegalStateException("timer " + TimerKind.values()[timerKind] + " came due twice while paused");
        }
        timerDue[timerKind] = true;
        networks[size] = TIMER_ENTRY;
        timerKinds[size] = timerKind;
        size++;
    }

    /** The engine re-armed or cancelled this timer kind: a due entry of it must not fire. */
    void forgetTimer(int timerKind) {
        timerDue[timerKind] = false;
    }

    int size() {
        return size;
    }

    int packets() {
        return packets;
    }

    boolean isTimer(int entry) {
        return networks[entry] == TIMER_ENTRY;
    }

    int network(int entry) {
        return networks[entry];
    }

    byte[] frame(int entry) {
        return frames[entry];
    }

    /** The timer kind of a timer entry, or -1 when the engine re-armed or cancelled it since. */
    int takeDueTimer(int entry) {
        int kind = timerKinds[entry];
        if (!timerDue[kind]) {
            return -1;
        }
        timerDue[kind] = false;
        return kind;
    }

    void clear() {
        java.util.Arrays.fill(frames, 0, size, null);
        java.util.Arrays.fill(timerDue, false);
        size = 0;
        packets = 0;
    }
}
