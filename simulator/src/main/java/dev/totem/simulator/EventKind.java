package dev.totem.simulator;

/** Kinds of queued events; ints rather than an enum because they live in {@link EventQueue}'s arrays. */
final class EventKind {
    /** A frame copy reaches a node: node = receiver index, arg = network index, ref = frame. */
    static final int PACKET = 0;
    /** A timer fires: node = index, arg = timer kind ordinal. */
    static final int TIMER = 1;
    /** The application submits: node = index, arg = guarantee ordinal, ref = payload. */
    static final int SUBMIT = 2;
    /** A down node starts (first time) or restarts: node = index. */
    static final int RESTART = 3;
    /** node = index. */
    static final int CRASH = 4;
    /** node = index. */
    static final int PAUSE = 5;
    /** node = index. */
    static final int RESUME = 6;
    /** ref = int[][] groups of node ids. */
    static final int PARTITION = 7;
    /** ref = int[] {from id, to id}. */
    static final int BLOCK = 8;
    static final int HEAL = 9;
    /** ref = Runnable. */
    static final int CALLBACK = 10;
    /** An application call into a node's engine: node = index, ref = NodeCall. */
    static final int CALL = 11;

    private static final String[] NAMES = {
        "packet", "timer", "submit", "restart", "crash", "pause", "resume", "partition", "block", "heal", "callback", "call",
    };

    private EventKind() {}

    static String name(int kind) {
        return kind >= 0 && kind < NAMES.length ? NAMES[kind] : "kind " + kind;
    }
}
