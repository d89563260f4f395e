package dev.totem.node.config;

import java.util.Set;

/**
 * Who besides root may use the node's CPG socket: the users and groups of corosync's
 * {@code uidgid { uid: ... gid: ... }} sections (several sections add up), names resolved to ids.
 *
 * @param uids allowed user ids
 * @param gids allowed group ids
 */
public record IpcAccess(Set<Integer> uids, Set<Integer> gids) {
    /** Root only. */
    public static final IpcAccess ROOT_ONLY = new IpcAccess(Set.of(), Set.of());

    public IpcAccess {
        uids = Set.copyOf(uids);
        gids = Set.copyOf(gids);
    }
}
