package dev.totem.node.cpg;

import java.util.List;

/**
 * Who is at the other end of an IPC connection, as the kernel says (SO_PEERCRED).
 *
 * @param pid the peer's process id; 0 when the transport cannot tell (the NIO fallback)
 * @param uid the peer's user id
 * @param gids the peer's group ids: its primary group first (epoll gives only that one)
 */
public record PeerCredentials(int pid, int uid, List<Integer> gids) {
    public PeerCredentials {
        gids = List.copyOf(gids);
    }

    @Override
    public String toString() {
        return "pid " + pid + " uid " + uid + " gid " + gids;
    }
}
