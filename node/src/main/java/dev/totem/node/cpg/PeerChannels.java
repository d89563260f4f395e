package dev.totem.node.cpg;

import dev.totem.node.config.UnixNames;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Peer credentials of an accepted IPC connection. With epoll, netty reads SO_PEERCRED (pid, uid,
 * primary gid). NIO hides the JDK channel, so the NIO fallback accepts on a JDK channel itself
 * and reads the JDK's SO_PEERCRED: user and group names (no pid), turned back into ids through
 * {@link UnixNames}.
 */
final class PeerChannels {
    private PeerChannels() {}

    /**
     * The credentials of the process at the other end of {@code ch}.
     *
     * @throws IOException when the kernel does not say
     */
    static PeerCredentials of(Channel ch) throws IOException {
        if (ch instanceof EpollDomainSocketChannel epoll) {
            io.netty.channel.unix.PeerCredentials c = epoll.peerCredentials();
            List<Integer> gids = new ArrayList<>();
            for (int g : c.gids()) {
                gids.add(g);
            }
            return new PeerCredentials(c.pid(), c.uid(), gids);
        }
        throw new IOException("no peer credentials on a " + ch.getClass().getSimpleName());
    }

    /** The credentials of the peer of a JDK channel (the NIO fallback): names mapped to ids; no pid. */
    static PeerCredentials of(SocketChannel ch) throws IOException {
        UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        UnixNames names = UnixNames.system();
        OptionalInt uid = names.uid(p.user().getName());
        OptionalInt gid = names.gid(p.group().getName());
        if (uid.isEmpty()) {
            throw new IOException("the peer's user " + p.user().getName() + " has no uid in /etc/passwd");
        }
        return new PeerCredentials(0, uid.getAsInt(), gid.isPresent() ? List.of(gid.getAsInt()) : List.of());
    }
}
