package dev.totem.node.admin;

import dev.totem.node.runtime.DomainSocketFiles;
import dev.totem.node.runtime.NodeStatus;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The node's admin socket: a Unix domain stream socket, mode 0600 (only the node's user may
 * ask), answering one request line per connection. Requests: {@code status}, answered in
 * {@link StatusFormat}; {@code crypto-reload}; {@code config-reload}; {@code rrp-reenable} and {@code rrp-reenable N}
 * (every faulty network, or network N), each answered in one line. Anything else is answered
 * {@code error ...}.
 *
 * <p>It runs on the event loop group it is given, so with the node's single-thread loop the
 * status supplier is called on the engine's own thread. A client has
 * {@value #READ_TIMEOUT_SECONDS} s to send its line of at most {@value #REQUEST_BYTES_MAX}
 * bytes; at most {@value #CONNECTIONS_MAX} connections are served at once, the others are closed.
 */
public final class AdminServer implements AutoCloseable {
    /** Connections served at once; more are closed at once. */
    public static final int CONNECTIONS_MAX = 16;
    /** The request that reloads the key file. */
    public static final String CRYPTO_RELOAD = "crypto-reload";
    /** The request that has every node in the ring reload its key file. */
    public static final String CRYPTO_RELOAD_CLUSTER = CRYPTO_RELOAD + " cluster";
    /** The request that reloads this node's configuration file. */
    public static final String CONFIG_RELOAD = "config-reload";
    /** The request that has every node in the ring reload its configuration file (corosync-cfgtool -R). */
    public static final String CONFIG_RELOAD_CLUSTER = CONFIG_RELOAD + " cluster";
    /** The request that re-enables faulty networks: alone for all, or followed by a network number. */
    public static final String RRP_REENABLE = "rrp-reenable";
    /** The longest request line. */
    public static final int REQUEST_BYTES_MAX = 256;
    /** How long a client may take to send its request. */
    public static final int READ_TIMEOUT_SECONDS = 5;

    private final Path path;
    private final Channel server;

    private AdminServer(Path path, Channel server) {
        this.path = path;
        this.server = server;
    }

    /**
     * What answers each request, called on the loop the server runs on.
     *
     * @param status each {@code status} request
     * @param cryptoReload {@code crypto-reload}: one line
     * @param rrpReenable {@code rrp-reenable [N]}: one line for N, or for -1 when no network is named
     * @param configReload {@code config-reload}: one line
     * @param clusterConfigReload {@code config-reload cluster}: one line
     * @param clusterCryptoReload {@code crypto-reload cluster}: one line
     */
    public record Handlers(Supplier<NodeStatus> status, Supplier<String> cryptoReload, IntFunction<String> rrpReenable,
            Supplier<String> configReload, Supplier<String> clusterConfigReload, Supplier<String> clusterCryptoReload) {

        /** Only {@code status}; every other request is answered with an error line. */
        public static Handlers statusOnly(Supplier<NodeStatus> status) {
            Supplier<String> noFile = () -> "error this node was not started from a configuration file: there is nothing to reload";
            Supplier<String> noKeys = () -> "error this node cannot reload keys";
            return new Handlers(status, noKeys, network -> "error this node has no redundant ring", noFile, noFile, noKeys);
        }
    }

    /**
     * Binds the socket at {@code path}. A socket file left by a node that died is removed; a live
     * one (something answers on it) is an error.
     *
     * @param group the loop the server and its connections run on
     * @param epoll epoll channels (else NIO); must match {@code group}
     * @param handlers what answers each request, called on that loop
     * @throws IOException when the path is taken or cannot be bound
     */
    public static AdminServer open(EventLoopGroup group, boolean epoll, Path path, Handlers handlers) throws IOException {
        DomainSocketFiles.prepare(path, "admin socket");
        AtomicInteger open = new AtomicInteger();
        ServerBootstrap b = new ServerBootstrap().group(group)
                .channelFactory(epoll ? EpollServerDomainSocketChannel::new : NioServerDomainSocketChannel::new)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (open.incrementAndGet() > CONNECTIONS_MAX) {
                            open.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        ch.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS),
                                new LineBasedFrameDecoder(REQUEST_BYTES_MAX), new Requests(handlers));
                    }
                });
        SocketAddress address = epoll ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot bind the admin socket " + path + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        try {
            DomainSocketFiles.restrict(path, "rw-------", "admin socket");
        } catch (IOException e) {
            bound.channel().close();
            throw e;
        }
        return new AdminServer(path, bound.channel());
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    /** Closes the socket and removes its file; idempotent, does not block. */
    @Override
    public void close() {
        server.close().addListener(f -> Files.deleteIfExists(path));
    }

    /** Answers one request line, then closes the connection. */
    private static final class Requests extends SimpleChannelInboundHandler<ByteBuf> {
        private final Handlers handlers;

        Requests(Handlers handlers) {
            this.handlers = handlers;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
            String request = line.toString(StandardCharsets.UTF_8).strip();
            String reply;
            if (request.equals("status")) {
                try {
                    reply = StatusFormat.format(handlers.status().get());
                } catch (RuntimeException e) {
                    reply = "error status failed: " + e + "\n";
                }
            } else if (request.equals(CRYPTO_RELOAD)) {
                reply = handlers.cryptoReload().get() + "\n";
            } else if (request.equals(CONFIG_RELOAD)) {
                reply = handlers.configReload().get() + "\n";
            } else if (request.equals(CONFIG_RELOAD_CLUSTER)) {
                reply = handlers.clusterConfigReload().get() + "\n";
            } else if (request.equals(CRYPTO_RELOAD_CLUSTER)) {
                reply = handlers.clusterCryptoReload().get() + "\n";
            } else if (request.equals(RRP_REENABLE)) {
                reply = handlers.rrpReenable().apply(-1) + "\n";
            } else if (request.matches(RRP_REENABLE + " [0-9]{1,3}")) {
                reply = handlers.rrpReenable().apply(Integer.parseInt(request.substring(RRP_REENABLE.length() + 1))) + "\n";
            } else {
                reply = "error unknown request '" + request.replaceAll("[^\\x20-\\x7e]", "?")
                        + "'; requests: status, crypto-reload [cluster], config-reload [cluster], rrp-reenable [N]\n";
            }
            ctx.writeAndFlush(Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a line too long, a timeout, a reset: nothing worth keeping the connection for
        }
    }
}
