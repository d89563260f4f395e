package dev.totem.node.cpg;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which local processes may use a node's CPG socket: corosync's {@code uidgid { uid: ... gid:
 * ... }} sections. A peer is allowed when its uid is listed, or one of its groups is, or it is
 * root (uid 0) while {@code rootAllowed} holds. Only tests turn {@code rootAllowed} off, to see
 * a refusal while running as root.
 *
 * @param uids allowed user ids
 * @param gids allowed group ids
 * @param rootAllowed whether uid 0 is always allowed (corosync's rule)
 */
public record PeerPolicy(Set<Integer> uids, Set<Integer> gids, boolean rootAllowed) {
    public PeerPolicy {
        uids = Set.copyOf(uids);
        gids = Set.copyOf(gids);
    }

    /** Root, and the listed users and groups. */
    public static PeerPolicy of(Set<Integer> uids, Set<Integer> gids) {
        return new PeerPolicy(uids, gids, true);
    }

    /** The same users and groups, with root allowed or not (tests). */
    public PeerPolicy withRootAllowed(boolean allowed) {
        return new PeerPolicy(uids, gids, allowed);
    }

    /** Why {@code peer} is refused, or empty when it is allowed. */
    public Optional<String> refusal(PeerCredentials peer) {
        if (peer.uid() == 0 && rootAllowed) {
            return Optional.empty();
        }
        if (uids.contains(peer.uid())) {
            return Optional.empty();
        }
        for (int gid : peer.gids()) {
            if (gids.contains(gid)) {
                return Optional.empty();
            }
        }
        return Optional.of("uid " + peer.uid() + " and gids " + peer.gids() + " are not allowed (allowed: "
                + (rootAllowed ? "root, " : "") + "uids " + new TreeSet<>(uids) + ", gids " + new TreeSet<>(gids)
                + "; add a uidgid { uid: ... } or { gid: ... } section)");
    }
}
