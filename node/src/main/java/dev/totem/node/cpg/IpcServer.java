package dev.totem.node.cpg;

import dev.totem.cpg.CpgError;
import dev.totem.cpg.ipc.IpcFrames;
import dev.totem.node.runtime.DomainSocketFiles;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The CPG IPC socket of a node: a Unix domain stream socket, mode 0660, with one acceptor. Each
 * connection's peer credentials (SO_PEERCRED) are checked against the {@link PeerPolicy} before
 * anything is read; a refused peer gets one Error message naming the reason, is logged, and is
 * closed. Allowed peers speak {@code cpg_ipc.proto} through an {@link IpcConnection} on the
 * node's loop.
 *
 * <p>With epoll the acceptor is netty's, on the node's loop. Netty's NIO channels hide the JDK
 * channel whose SO_PEERCRED we need, so the NIO fallback accepts on one daemon thread of its
 * own, reads the credentials there, and registers each connection with the loop.
 */
final class IpcServer implements AutoCloseable {
    private final Path path;
    private final AutoCloseable acceptor;
    /** Open connections, to close them with the server; loop only. */
    private final Set<Channel> connections;

    private IpcServer(Path path, AutoCloseable acceptor, Set<Channel> connections) {
        this.path = path;
        this.acceptor = acceptor;
        this.connections = connections;
    }

    static IpcServer open(EventLoopGroup group, boolean epoll, Path path, NodeCpg cpg) throws IOException {
        DomainSocketFiles.prepare(path, "CPG socket");
        Set<Channel> connections = new HashSet<>();
        AutoCloseable acceptor = epoll ? bindEpoll(group, path, cpg, connections) : bindNio(path, cpg, connections);
        try {
            DomainSocketFiles.restrict(path, "rw-rw----", "CPG socket");
        } catch (IOException e) {
            closeQuietly(acceptor);
            throw e;
        }
        return new IpcServer(path, acceptor, connections);
    }

    private static AutoCloseable bindEpoll(EventLoopGroup group, Path path, NodeCpg cpg, Set<Channel> connections)
            throws IOException {
        ServerBootstrap b = new ServerBootstrap().group(group)
                .channelFactory(EpollServerDomainSocketChannel::new)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        PeerCredentials peer;
                        try {
                            peer = PeerChannels.of(ch);
                        } catch (IOException e) {
                            refuse(cpg, ch, null, "its credentials cannot be read: " + e.getMessage());
                            return;
                        }
                        accept(cpg, ch, peer, connections);
                    }
                });
        ChannelFuture bound = b.bind(new DomainSocketAddress(path.toString())).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot bind the CPG socket " + path + ": " + bound.cause().getMessage(), bound.cause());
        }
        return () -> bound.channel().close().addListener(f -> Files.deleteIfExists(path));
    }

    private static AutoCloseable bindNio(Path path, NodeCpg cpg, Set<Channel> connections) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread thread = new Thread(() -> {
            while (server.isOpen()) {
                SocketChannel sc;
                try {
                    sc = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                PeerCredentials peer = null;
                String unreadable = null;
                try {
                    peer = PeerChannels.of(sc);
                } catch (IOException e) {
                    unreadable = "its credentials cannot be read: " + e.getMessage();
                }
                PeerCredentials known = peer;
                String refusal = unreadable;
                Channel ch = new NioDomainSocketChannel(sc);
                ch.pipeline().addLast(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        if (refusal != null) {
                            refuse(cpg, c, null, refusal);
                        } else {
                            accept(cpg, c, known, connections);
                        }
                    }
                });
                cpg.loop().register(ch);
            }
        }, "totem-cpg-acceptor");
        thread.setDaemon(true);
        thread.start();
        return () -> {
            server.close();
            Files.deleteIfExists(path);
        };
    }

    /** On the loop: checks the peer, then serves it or refuses it. */
    private static void accept(NodeCpg cpg, Channel ch, PeerCredentials peer, Set<Channel> connections) {
        CpgSettings settings = cpg.settings();
        Optional<String> refusal = settings.peers().refusal(peer);
        if (refusal.isEmpty() && connections.size() >= settings.connectionsMax()) {
            refusal = Optional.of("the node already serves " + connections.size() + " CPG clients, the most it takes");
        }
        if (refusal.isPresent()) {
            refuse(cpg, ch, peer, refusal.get());
            return;
        }
        // Pooled: netty's adaptive allocator zeroed a fresh chunk for many of a busy
        // connection's buffers (a tenth of the node's CPU at 8000 B); the pool reuses them.
        ch.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        // Unwritable past the hold-back mark: the connection then serves none of its requests.
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(settings.holdBackBytes() / 2, settings.holdBackBytes()));
        connections.add(ch);
        ch.closeFuture().addListener(f -> connections.remove(ch));
        IpcConnection c = new IpcConnection(cpg, ch, peer);
        ch.pipeline().addLast(new FrameDecoder(IpcFrames.requestBytesMax(settings.config()), c), c);
    }

    private static void refuse(NodeCpg cpg, Channel ch, PeerCredentials peer, String reason) {
        cpg.log().warning("CPG socket: refused a client (" + (peer == null ? "unknown peer" : peer) + "): " + reason);
        IpcConnection.refuse(ch, CpgError.BAD_HANDLE, "refused: " + reason);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing after a failed start: nothing more to do.
        }
    }

    Path path() {
        return path;
    }

    /** Closes the socket and every connection, and removes the file; on the loop, does not block. */
    @Override
    public void close() {
        closeQuietly(acceptor);
        for (Channel ch : Set.copyOf(connections)) {
            ch.close();
        }
    }
}
