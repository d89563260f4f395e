package dev.totem.membership;

/** Counters of one node's membership protocol; single-threaded. */
public final class MembershipStats {
    public long gathers;
    public long joinsSent;
    public long joinsReceived;
    public long consensusTimeouts;
    public long ringsInstalled;
    public long recoveryFramesOriginated;
    public long recoveryFramesRecovered;
    public long lateOldRingFramesDropped;
    public long failedToReceive;

    @Override
    public String toString() {
        return "gathers=" + gathers + " joinsSent=" + joinsSent + " joinsReceived=" + joinsReceived
                + " consensusTimeouts=" + consensusTimeouts + " rings=" + ringsInstalled + " recoveryOriginated="
                + recoveryFramesOriginated + " recovered=" + recoveryFramesRecovered;
    }
}
