package dev.totem.rrp;

/**
 * A snapshot of one network of a {@link RedundantRing}, for metrics and status commands.
 *
 * @param network the network's index
 * @param state whether it carries traffic
 * @param framesSent frames (every type but tokens) put on it, copies of one frame each counted
 * @param tokensSent tokens (ORF and commit tokens) put on it, resends included
 * @param framesReceived frames from other nodes that arrived on it
 * @param tokensReceived tokens from other nodes that arrived on it
 * @param probesSent probes put on it
 * @param probesReceived probes from other nodes that arrived on it
 * @param duplicatesDropped copies that arrived on it after the same frame came on another network (active mode)
 * @param problemCount active mode: tokens that did not come on it in time, less the periodic decrements
 * @param tokenLag passive mode: tokens received on the best network but not on this one, in the current window
 * @param mcastLag passive mode: the same for multicast frames
 * @param faults how often it was marked faulty
 * @param lastFault why it was last marked faulty, or the empty string
 */
public record NetworkStatus(int network, NetworkState state, long framesSent, long tokensSent, long framesReceived,
        long tokensReceived, long probesSent, long probesReceived, long duplicatesDropped, int problemCount,
        long tokenLag, long mcastLag, long faults, String lastFault) {}
