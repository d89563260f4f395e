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
    /** Holds that began (or grew) on a node shut out again ({@code MergeHoldOff}). */
    public long holdOffsStarted;
    /** Holds that ended early because the held node restarted (its join carried flag BOOT). */
    public long holdOffsEndedByRestart;
    /** Joins and frames of other rings ignored because their sender was held off. */
    public long heldOffFramesIgnored;
    /** Frames of other rings that started no gather because their sender never answered the last ({@code MergeQuiet}). */
    public long quietFramesIgnored;
    /** Pauses over half the token timeout after which the joins queued meanwhile were dropped. */
    public long pauseFlushes;
    /** Joins dropped as queued while this process was paused ({@code TotemEngine.onPause}). */
    public long joinsFlushedAfterPause;

    @Override
    public String toString() {
        return "gathers=" + gathers + " joinsSent=" + joinsSent + " joinsReceived=" + joinsReceived
                + " consensusTimeouts=" + consensusTimeouts + " rings=" + ringsInstalled + " recoveryOriginated="
                + recoveryFramesOriginated + " recovered=" + recoveryFramesRecovered + " holdOffs=" + holdOffsStarted
                + " holdOffsEndedByRestart=" + holdOffsEndedByRestart
                + " heldOffIgnored=" + heldOffFramesIgnored + " quietIgnored=" + quietFramesIgnored
                + " pauseFlushes=" + pauseFlushes + " joinsFlushedAfterPause=" + joinsFlushedAfterPause;
    }
}
