package dev.totem.simulator.run;

/** The fault schedules a seed run can draw from. */
public enum FaultProfile {
    /** No faults but the network's own loss. */
    NONE,
    /** Loss bursts: the network's loss rises to 0..30% for a while, then falls back. */
    LOSS,
    /** Symmetric and asymmetric partitions that heal. */
    PARTITION,
    /** Nodes crash and restart with only their ring seq store. */
    CRASH,
    /** Nodes pause for longer than the token timeout, then resume. */
    PAUSE,
    /** All of the above mixed, with duplication and reordering, then a quiet period. */
    CHAOS;

    /** Parses the CLI spelling (none, loss, partition, crash, pause, chaos). */
    public static FaultProfile parse(String s) {
        for (FaultProfile p : values()) {
            if (p.name().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown fault profile '" + s + "'; expected none, loss, partition, crash, pause or chaos");
    }
}
