package dev.totem.rrp;

/** Counters of one node's redundant ring that belong to no single network. Single-threaded. */
public final class RrpStats {
    /** Tokens sent again because they had not come back around in time. */
    public long tokenResends;
    /** Active mode: tokens handed on before their copies came on every working network. */
    public long tokenWaitsExpired;
    /** Probes that arrived on another network than the one they name: networks wired crosswise. */
    public long probesMisrouted;
    /** Frames with the redundant ring's magic that are no valid probe. */
    public long badRrpFrames;
    /** Frames that arrived with a network index beyond the configured networks. */
    public long framesOnUnknownNetwork;
    /** Frames from senders beyond the peer table's limit: passed on, but not watched. */
    public long peersIgnored;

    @Override
    public String toString() {
        return "tokenResends=" + tokenResends + " tokenWaitsExpired=" + tokenWaitsExpired + " probesMisrouted="
                + probesMisrouted + " badRrpFrames=" + badRrpFrames + " framesOnUnknownNetwork="
                + framesOnUnknownNetwork + " peersIgnored=" + peersIgnored;
    }
}
