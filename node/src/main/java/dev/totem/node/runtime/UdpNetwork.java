package dev.totem.node.runtime;

import dev.totem.node.runtime.NodeCounters.Stat;
import dev.totem.protocol.api.Effect;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The UDP sockets of one Totem network (ring0, ring1, ...), on netty, all owned by the node's
 * event loop. A node has one per network; each counts its own traffic.
 *
 * <p>Channels:
 * <ul>
 *   <li>unicast, bound at {@code bindAddress:port}: receives tokens (and, for UDPU, every frame)
 *       and sends every frame, multicast ones included, so that a frame's source address is
 *       always the sender's ring0 address, which the receivers check against their peer list;
 *   <li>UDP only, the group channel, bound at {@code mcastGroup:mcastPort} with SO_REUSEADDR
 *       (every node of the host shares it) and joined on the interface of the bind address:
 *       receives multicast frames, sends nothing.
 * </ul>
 * Every channel that may send multicast has IP_MULTICAST_IF set to that interface, so nothing
 * depends on routes (on a host with a default route, multicast would otherwise leave by it).
 *
 * <p>Sends are written without a flush; the node flushes once per effects batch. The outbound
 * queue is bounded by a write buffer water mark: a datagram that finds the channel unwritable
 * flushes what is queued first (a token visit's burst, {@code max_messages} frames to each peer
 * over udpu, may pass the mark before it meets the socket at all), and is dropped and counted
 * only if the channel is still unwritable then, as a full socket buffer would drop it, and the
 * protocol retransmits.
 *
 * <p>Over udpu, a frame for every peer goes first to the peer this node last sent a unicast to
 * (the token's successor, in a running ring), and to the others at the next {@link #flush}. A
 * visit's answer is its frames, then the token: the successor, which must take in those frames
 * before it can use the token, gets both without waiting for the copies to the rest of the ring,
 * which need them only by the time the token reaches them. A unicast to another peer writes the
 * waiting copies first, so each peer still gets its datagrams in the answer's order.
 */
final class UdpNetwork {
    /** Datagrams the group socket is read per event, at most: enough to empty it (see {@code received}). */
    static final int GROUP_READS_PER_EVENT = 4096;
    /**
     * Receives every frame from a listed peer, on the event loop. The buffer is valid during the
     * call only (netty releases the datagram after it).
     */
    interface Receiver {
        void onFrame(int network, ByteBuffer frame, int length);
    }

    private final RuntimeSettings settings;
    /** This network; its peers replaced by {@link #replacePeers}. */
    private NetworkSettings net;
    private final NodeCounters counters;
    private final NodeLog log;
    private final Receiver receiver;
    /** The peers but this node; replaced by {@link #replacePeers}, as are the two below. */
    private Map<Integer, InetSocketAddress> others;
    private List<InetSocketAddress> otherAddresses;
    private Set<InetAddress> listedAddresses;
    private final InetSocketAddress self;
    private final InetSocketAddress group;
    private final NodeLog.Limiter sendErrorLimiter = new NodeLog.Limiter();
    private final NodeLog.Limiter dropLimiter = new NodeLog.Limiter();
    private final NodeLog.Limiter unlistedLimiter = new NodeLog.Limiter();
    private final ChannelFutureListener onWritten = this::written;

    private DatagramChannel unicast;
    private DatagramChannel multicast;
    private NetworkInterface networkInterface;
    private ChannelFuture lastWrite;
    /** Udpu: the node the last unicast went to, whose copy of a multicast frame is written first; 0 for none yet. */
    private int successor;
    /** Udpu: the copies of multicast frames for the peers other than {@link #successor}, written at {@link #flush}. */
    private final ArrayList<DatagramPacket> deferred = new ArrayList<>();
    private String lastFault;
    private long lastFaultNanos;
    /** A socket was read to its per-event limit since {@link #takeReadsMayRemain}: it may hold more. */
    private boolean readsMayRemain;
    /** Tests only: drop every datagram in and out, as a cut cable would. */
    private boolean cut;
    /** Tests only: drop every datagram in, as a receiving side that failed would. */
    private boolean deaf;

    /**
     * @param settings the node's settings (transport, buffers, frame size, unlisted addresses)
     * @param net the network these sockets serve
     * @param counters this network's own counters
     */
    UdpNetwork(RuntimeSettings settings, NetworkSettings net, NodeCounters counters, NodeLog log, Receiver receiver) {
        this.settings = settings;
        this.net = net;
        this.counters = counters;
        this.log = log;
        this.receiver = receiver;
        takePeers(net);
        this.self = net.unicastAddress();
        this.group = settings.transport() == Transport.UDP ? new InetSocketAddress(net.mcastGroup(), net.mcastPort()) : null;
    }

    private void takePeers(NetworkSettings from) {
        this.others = from.otherPeers(settings.nodeId());
        this.otherAddresses = Collections.unmodifiableList(new ArrayList<>(others.values()));
        Set<InetAddress> listed = new HashSet<>();
        for (InetSocketAddress a : from.peers().values()) {
            listed.add(a.getAddress());
        }
        listed.add(from.bindAddress());
        this.listedAddresses = listed;
    }

    /**
     * Takes a reloaded nodelist (on the loop, between batches): frames go to these peers and are
     * taken from their addresses from now on. Copies of frames already written for a peer that
     * left the list still go out; a frame for it afterwards is an unknown destination.
     *
     * @param next this network with the new peers; its own address and port must not change
     */
    void replacePeers(NetworkSettings next) {
        if (next.index() != net.index() || !next.unicastAddress().equals(net.unicastAddress())) {
            throw new IllegalArgumentException("new peers for " + next.name() + " at " + describe(next.unicastAddress())
                    + " cannot replace those of " + net.name() + " at " + describe(net.unicastAddress()));
        }
        net = next;
        takePeers(next);
    }

    /** The network's settings. */
    NetworkSettings settings() {
        return net;
    }

    /** This network's counters (the runtime's network stats only). */
    NodeCounters counters() {
        return counters;
    }

    /**
     * Binds the channels; blocks, so never call it on the event loop.
     *
     * @throws IOException with the address in its message when a bind or join fails
     */
    void open(EventLoopGroup loopGroup, boolean epoll) throws IOException {
        boolean udp = group != null;
        if (udp) {
            networkInterface = interfaceOf(net.bindAddress());
        }
        SocketProtocolFamily family = net.ipv6() ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        ChannelFactory<DatagramChannel> factory = epoll
                ? () -> new EpollDatagramChannel(family)
                : () -> new NioDatagramChannel(family);
        int buffer = settings.socketBufferBytes();
        Bootstrap common = new Bootstrap().group(loopGroup).channelFactory(factory)
                // Frames of up to 64 KB, one buffer per datagram sent and received: the default
                // allocator serves that size unpooled, with a malloc and a zeroing each time.
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.SO_RCVBUF, buffer)
                .option(ChannelOption.SO_SNDBUF, buffer)
                // One buffer per datagram, large enough for any frame; a longer datagram is cut and the engine rejects it.
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(Math.max(2048, settings.totemConfig().frameBytesMax() + 1)))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(buffer / 2, buffer));
        Bootstrap unicastBootstrap = common.clone().handler(new Inbound(false));
        if (udp) {
            unicastBootstrap.option(ChannelOption.IP_MULTICAST_IF, networkInterface)
                    .option(ChannelOption.IP_MULTICAST_TTL, net.ttl())
                    .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false);
        }
        unicast = (DatagramChannel) bind(unicastBootstrap, self, "unicast");
        if (udp) {
            Bootstrap groupBootstrap = common.clone().handler(new Inbound(true))
                    // Read the group socket empty on each event (see received: the token waits for it).
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(
                            Math.max(2048, settings.totemConfig().frameBytesMax() + 1)).maxMessagesPerRead(GROUP_READS_PER_EVENT))
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .option(ChannelOption.IP_MULTICAST_IF, networkInterface)
                    .option(ChannelOption.IP_MULTICAST_TTL, net.ttl());
            multicast = (DatagramChannel) bind(groupBootstrap, scoped(group, networkInterface), "multicast group");
            ChannelFuture join = multicast.joinGroup(group, networkInterface).awaitUninterruptibly();
            if (!join.isSuccess()) {
                throw new IOException("cannot join the multicast group " + NetUtil.toAddressString(group.getAddress())
                        + " on " + networkInterface.getName() + ": " + join.cause().getMessage(), join.cause());
            }
        }
        // With UDP, the group channel receives the bulk of the traffic.
        int grantedReceiveBytes = (udp ? multicast : unicast).config().getReceiveBufferSize();
        int grantedSendBytes = unicast.config().getSendBufferSize();
        counters.add(Stat.SOCKET_RECEIVE_BUFFER_BYTES, grantedReceiveBytes);
        counters.add(Stat.SOCKET_SEND_BUFFER_BYTES, grantedSendBytes);
        checkBuffer("SO_RCVBUF", grantedReceiveBytes);
        checkBuffer("SO_SNDBUF", grantedSendBytes);
        if (udp) {
            checkBuffer("SO_RCVBUF (unicast)", unicast.config().getReceiveBufferSize());
        }
        log.info("network " + net.name() + ": " + settings.transport().configName() + " on " + describe(self)
                + (udp ? ", group " + describe(group) + " on " + networkInterface.getName() + " ttl " + net.ttl()
                        : ", " + otherAddresses.size() + " peers")
                + (epoll ? " (epoll)" : " (nio)"));
    }

    /**
     * An IPv6 group of link or interface scope (ff02::, ff12::, ff01::) names no link by itself:
     * binding it needs the interface as its scope, as corosync sets sin6_scope_id. Other groups
     * are returned as they are.
     */
    static InetSocketAddress scoped(InetSocketAddress group, NetworkInterface on) throws IOException {
        if (group.getAddress() instanceof Inet6Address g && (g.isMCLinkLocal() || g.isMCNodeLocal())) {
            return new InetSocketAddress(Inet6Address.getByAddress(null, g.getAddress(), on), group.getPort());
        }
        return group;
    }

    private static Channel bind(Bootstrap bootstrap, InetSocketAddress address, String what) throws IOException {
        ChannelFuture f = bootstrap.bind(address).awaitUninterruptibly();
        if (!f.isSuccess()) {
            String reason = String.valueOf(f.cause().getMessage());
            // The one case with an obvious next step: something, often this node started twice, has the
            // port. (A BindException may also say the address is not this host's: no hint then.)
            String hint = reason.contains("Address already in use")
                    ? " (another process has this address and port, often the same node started twice;"
                            + " ss -ulpn 'sport = :" + address.getPort() + "' shows which)"
                    : "";
            throw new IOException("cannot bind the " + what + " socket at " + describe(address) + ": " + reason + hint,
                    f.cause());
        }
        return f.channel();
    }

    private void checkBuffer(String option, int granted) {
        // Linux doubles what it grants (bookkeeping overhead) when read back; the JDK (NIO) halves it
        // again, epoll does not. Either way a value below the request means the kernel clamped it.
        if (granted < settings.socketBufferBytes()) {
            log.warning(option + ": requested " + settings.socketBufferBytes() + " bytes, granted " + granted
                    + "; raise net.core.rmem_max/wmem_max to avoid drops under load");
        }
    }

    /**
     * The interface that carries {@code address}: the one it is assigned to, else the one whose
     * subnet holds it, else (for 127.x, all of which {@code lo} answers) the loopback interface.
     */
    static NetworkInterface interfaceOf(InetAddress address) throws IOException {
        NetworkInterface exact = NetworkInterface.getByInetAddress(address);
        if (exact != null) {
            return exact;
        }
        List<NetworkInterface> all;
        try {
            all = Collections.list(NetworkInterface.getNetworkInterfaces());
        } catch (SocketException e) {
            throw new IOException("cannot list the network interfaces", e);
        }
        for (NetworkInterface ni : all) {
            for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                if (sameSubnet(ia.getAddress(), address, ia.getNetworkPrefixLength())) {
                    return ni;
                }
            }
        }
        if (address.isLoopbackAddress()) {
            for (NetworkInterface ni : all) {
                if (ni.isLoopback() && ni.isUp()) {
                    return ni;
                }
            }
        }
        throw new IOException("no network interface carries " + NetUtil.toAddressString(address));
    }

    private static boolean sameSubnet(InetAddress a, InetAddress b, int prefixBits) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length || prefixBits <= 0) {
            return false;
        }
        for (int bit = 0; bit < prefixBits && bit < x.length * 8; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes {@code frame[off, off + len)} to {@code destination} (a node id other than ours, or
     * {@link Effect#MULTICAST}); call {@link #flush} after the batch. The bytes are copied into a
     * pooled direct buffer before this returns (the socket needs direct memory, and netty would
     * copy a heap buffer at the flush anyway), so the caller may reuse the array.
     */
    void send(int destination, byte[] frame, int off, int len) {
        if (destination == Effect.MULTICAST) {
            if (group != null) {
                write(group, direct(frame, off, len), Stat.FRAMES_SENT_MULTICAST);
            } else if (unicast != null) {
                // One direct copy for every peer (a heap wrapper would be copied once per datagram).
                ByteBuf content = direct(frame, off, len);
                InetSocketAddress first = others.get(successor);
                try {
                    for (int i = 0; i < otherAddresses.size(); i++) {
                        InetSocketAddress to = otherAddresses.get(i);
                        if (first == null || to.equals(first)) {
                            write(to, content.retainedDuplicate(), Stat.FRAMES_SENT_MULTICAST);
                        } else {
                            deferred.add(new DatagramPacket(content.retainedDuplicate(), to));
                        }
                    }
                } finally {
                    content.release();
                }
            }
            return;
        }
        InetSocketAddress to = others.get(destination);
        if (to == null) {
            counters.increment(Stat.FRAMES_DROPPED_UNKNOWN_DESTINATION);
            long left = dropLimiter.admit(System.nanoTime());
            if (left >= 0) {
                log.warning("no address for node " + destination + " in the peer list; frame dropped"
                        + (left > 0 ? " (" + left + " more not logged)" : ""));
            }
            return;
        }
        if (destination != successor) {
            // This peer may have copies waiting: they go first, so that it too gets the answer's order.
            writeDeferred();
            successor = destination;
        }
        write(to, direct(frame, off, len), Stat.FRAMES_SENT_UNICAST);
    }

    /** {@code frame[off, off + len)} in a pooled direct buffer, the channels' allocator's. */
    private static ByteBuf direct(byte[] frame, int off, int len) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(len).writeBytes(frame, off, len);
    }

    /** Writes {@code content} (released here, written or not) to {@code to}. */
    private void write(InetSocketAddress to, ByteBuf content, Stat sentStat) {
        if (unicast == null || !unicast.isActive() || cut) {
            content.release();
            return;
        }
        if (!unicast.isWritable()) {
            unicast.flush();
        }
        if (!unicast.isWritable()) {
            content.release();
            counters.increment(Stat.FRAMES_DROPPED_SEND_BUFFER_FULL);
            return;
        }
        counters.increment(sentStat);
        counters.add(Stat.BYTES_SENT, content.readableBytes());
        lastWrite = unicast.write(new DatagramPacket(content, to));
        lastWrite.addListener(onWritten);
    }

    private void written(ChannelFuture f) {
        if (f.isSuccess() || f.isCancelled()) {
            return;
        }
        counters.increment(Stat.SEND_ERRORS);
        lastFault = String.valueOf(f.cause().getMessage());
        lastFaultNanos = System.nanoTime();
        long left = sendErrorLimiter.admit(lastFaultNanos);
        if (left >= 0) {
            log.warning("send on " + net.name() + " failed: " + lastFault + (left > 0 ? " (" + left + " more not logged)" : ""));
        }
    }

    /** Writes the deferred copies of multicast frames, then flushes every write to the socket. */
    void flush() {
        writeDeferred();
        flushWritten();
    }

    /**
     * Flushes the writes made so far but keeps the copies of multicast frames for the peers after
     * the successor: for a flush in the middle of a burst, which the token has not yet joined.
     */
    void flushWritten() {
        if (unicast != null) {
            unicast.flush();
        }
    }

    private void writeDeferred() {
        for (int i = 0; i < deferred.size(); i++) {
            DatagramPacket p = deferred.get(i);
            write(p.recipient(), p.content(), Stat.FRAMES_SENT_MULTICAST);
        }
        deferred.clear();
    }

    /**
     * Tests only: {@code true} drops every datagram this node sends or receives on this network
     * from now on, as if its cable were cut; {@code false} mends it. Event loop only.
     */
    void cut(boolean value) {
        cut = value;
    }

    /** Tests only: {@code true} drops every datagram this node receives on this network (it still sends). */
    void deaf(boolean value) {
        deaf = value;
    }

    /**
     * Filters a datagram (our own looped back, unlisted senders), counts it, and hands it on.
     *
     * <p>With udp, frames come on the group socket and tokens on the unicast one. A token must not
     * overtake the frames its sender multicast before it (corosync drains the multicast socket
     * before it handles a token): a unicast datagram is handed on in a loop task, which netty runs
     * after this round's reads, and the group socket is read empty on each event. Otherwise a node
     * passes the token on while hundreds of frames still wait in its socket, the ring runs ahead
     * of it and the kernel drops what does not fit.
     */
    private void received(DatagramPacket packet, boolean viaGroup) {
        InetSocketAddress from = packet.sender();
        if (cut || deaf || viaGroup && self.equals(from)) {
            return; // our own multicast, looped back; the engine already has it
        }
        if (settings.blockUnlistedIps() && !listedAddresses.contains(from.getAddress())) {
            counters.increment(Stat.FRAMES_DROPPED_UNLISTED);
            long left = unlistedLimiter.admit(System.nanoTime());
            if (left >= 0) {
                log.warning("dropped a frame from " + describe(from) + " on " + net.name()
                        + ", which is not in the peer list (block_unlisted_ips)" + (left > 0 ? " (" + left + " more not logged)" : ""));
            }
            return;
        }
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        counters.increment(viaGroup ? Stat.FRAMES_RECEIVED_MULTICAST : Stat.FRAMES_RECEIVED_UNICAST);
        counters.add(Stat.BYTES_RECEIVED, length);
        if (group != null && !viaGroup) {
            byte[] copy = ByteBufUtil.getBytes(content);
            unicast.eventLoop().execute(() -> {
                if (!cut && !deaf) {
                    receiver.onFrame(net.index(), ByteBuffer.wrap(copy), length);
                }
            });
            return;
        }
        // A view of netty's buffer, valid during the call; the engine copies what it keeps.
        ByteBuffer frame = content.nioBufferCount() == 1 ? content.nioBuffer() : ByteBuffer.wrap(ByteBufUtil.getBytes(content));
        receiver.onFrame(net.index(), frame, length);
    }

    /** Whether a socket was read to its per-event limit since the last call (it may hold more). */
    boolean takeReadsMayRemain() {
        boolean may = readsMayRemain;
        readsMayRemain = false;
        return may;
    }

    /** Completes once the writes made so far have gone to the socket (or failed). */
    ChannelFuture lastWrite() {
        return lastWrite;
    }

    /** Closes the channels; on the event loop it does not wait. */
    void close() {
        for (int i = 0; i < deferred.size(); i++) {
            deferred.get(i).release();
        }
        deferred.clear();
        if (multicast != null) {
            multicast.close();
        }
        if (unicast != null) {
            unicast.close();
        }
    }

    /** This network's local address, and group for udp, as {@code corosync-cfgtool -s} shows them. */
    String address() {
        return describe(self) + (group != null ? " mcast " + describe(group) : "");
    }

    /** Whether the sockets are open (bound and not yet closed). */
    boolean isOpen() {
        return unicast != null && unicast.isActive();
    }

    /** "send failed: why" when a send failed within the last {@code windowSeconds}, else null. */
    String recentSendFailure(long nowNanos, int windowSeconds) {
        if (lastFault != null && nowNanos - lastFaultNanos < windowSeconds * 1_000_000_000L) {
            return "send failed: " + lastFault;
        }
        return null;
    }

    /** {@code 127.0.0.1:5405}, {@code [fd00::1]:5405} (IPv6 in its short form, RFC 5952). */
    static String describe(InetSocketAddress a) {
        return NetUtil.toSocketAddressString(a);
    }

    /** Hands every datagram to the receiver; a failing channel is logged, never closed. */
    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        private final boolean viaGroup;
        private final NodeLog.Limiter limiter = new NodeLog.Limiter();

        Inbound(boolean viaGroup) {
            this.viaGroup = viaGroup;
        }

        /** Datagrams read in the current read event. */
        private int reads;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            reads++;
            received(packet, viaGroup);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // netty ends a read event when the socket is empty or at the allocator's per-event limit.
            if (ctx.channel().config().getRecvByteBufAllocator() instanceof MaxMessagesRecvByteBufAllocator a
                    && reads >= a.maxMessagesPerRead()) {
                readsMayRemain = true;
            }
            reads = 0;
            ctx.fireChannelReadComplete();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            long left = limiter.admit(System.nanoTime());
            if (left >= 0) {
                log.warning("receive on " + net.name() + (viaGroup ? " (group)" : "") + " failed: " + cause
                        + (left > 0 ? " (" + left + " more not logged)" : ""));
            }
        }
    }
}
