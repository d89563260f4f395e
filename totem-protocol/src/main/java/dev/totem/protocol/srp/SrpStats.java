package dev.totem.protocol.srp;

/** Counters of one node's ordering engine; read by metrics and tests. Single-threaded. */
public final class SrpStats {
    public long tokensReceived;
    public long tokensDuplicate;
    public long tokensForeign;
    public long tokenRetransmits;
    public long tokensLost;
    public long tokenHolds;
    public long holdCancelsSent;
    public long framesBroadcast;
    public long framesRetransmitted;
    public long framesReceived;
    public long framesDuplicate;
    public long framesOutOfWindow;
    public long framesForeign;
    public long retransmitRequests;
    public long messagesDelivered;
    public long framesRejected;
    /** Frames broadcast by this node over all its token visits (for messages per rotation). */
    public long rotations;

    @Override
    public String toString() {
        return "tokens=" + tokensReceived + " dupTokens=" + tokensDuplicate + " tokenRetx=" + tokenRetransmits
                + " lost=" + tokensLost + " holds=" + tokenHolds + " sent=" + framesBroadcast + " retx="
                + framesRetransmitted + " recv=" + framesReceived + " dup=" + framesDuplicate + " outOfWindow="
                + framesOutOfWindow + " rtrReq=" + retransmitRequests + " delivered=" + messagesDelivered
                + " rejected=" + framesRejected;
    }
}
