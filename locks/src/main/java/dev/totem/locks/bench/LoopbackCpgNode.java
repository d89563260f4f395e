package dev.totem.locks.bench;

import dev.totem.cpg.CpgConfig;
import dev.totem.cpg.CpgEngine;
import dev.totem.cpg.EmbeddedCpg;
import dev.totem.locks.baseline.SelectorThread;
import dev.totem.membership.TotemProcessor;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.RingSeqStore;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A stand-in for the node runtime until it runs CPG: one thread drives a {@link CpgEngine} over a
 * {@link TotemProcessor}, with real UDP sockets on loopback (a multicast is sent to each peer in
 * turn, and looped back to the node itself) and wall-clock timers. Local processes reach the
 * node through {@link #execute}, which runs on the node's thread inside {@code CpgEngine.client}.
 * For benchmarks and tests only: no crypto, no configuration file, no metrics.
 */
public final class LoopbackCpgNode implements AutoCloseable {
    /** Datagrams read per loop turn before timers and clients get their turn. */
    private static final int READS_PER_TURN = 256;
    private static final int FRAME_BYTES_MAX = 65_535;
    private static final int SOCKET_BUFFER_BYTES = 8 << 20;

    private final int nodeId;
    private final CpgEngine engine;
    private final DatagramChannel channel;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Consumer<EmbeddedCpg>> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<byte[]> loopback = new ArrayDeque<>();
    private final long[] deadlines = new long[TimerKind.values().length];
    private final ByteBuffer receive = ByteBuffer.allocateDirect(FRAME_BYTES_MAX);
    private Map<Integer, InetSocketAddress> peers = Map.of();
    private volatile Consumer<EmbeddedCpg> ticker = cpg -> { };
    private volatile boolean running = true;
    private final long[] timersFired = new long[TimerKind.values().length];
    private long idleSelects;
    private long framesIn;
    private volatile Throwable failure;

    /** Binds the node's socket on loopback; {@link #start} once every peer's address is known. */
    public LoopbackCpgNode(int nodeId, TotemConfig totem, CpgConfig cpg) throws IOException {
        this.nodeId = nodeId;
        TotemConfig carrying = totem.messageBytesMax() >= cpg.engineMessageBytesMax() ? totem
                : totem.withMessageBytesMax(cpg.engineMessageBytesMax());
        this.engine = new CpgEngine(new TotemProcessor(carrying, nodeId, RingSeqStore.inMemory(),
                new SplittableRandom(nodeId * 7919L)), cpg, n -> { });
        this.channel = DatagramChannel.open();
        // Large buffers: a burst of frames must not overflow the socket (a lost frame costs a retransmit rotation).
        channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        Arrays.fill(deadlines, -1);
        this.thread = new Thread(this::loop, "loopback-cpg-" + nodeId);
        thread.setDaemon(true);
    }

    /** This node's id. */
    public int nodeId() {
        return nodeId;
    }

    /** Where the node receives. */
    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Starts the node with the addresses of every node of the cluster (itself included). */
    public void start(Map<Integer, InetSocketAddress> cluster) {
        this.peers = Map.copyOf(cluster);
        thread.start();
    }

    /** Runs {@code task} on the node's thread with the client API (its calls' effects are applied). */
    public void execute(Consumer<EmbeddedCpg> task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs {@code t} on the node's thread about every millisecond (to pump TRY_AGAIN sends). */
    public void ticker(Consumer<EmbeddedCpg> t) {
        this.ticker = t;
    }

    /** Counters for a benchmark's report: frames received, idle waits, timers fired by kind (read after {@link #close}). */
    public String stats() {
        StringBuilder b = new StringBuilder("node " + nodeId + ": frames in " + framesIn + ", idle waits " + idleSelects);
        for (TimerKind k : TimerKind.values()) {
            if (timersFired[k.ordinal()] > 0) {
                b.append(", ").append(k.name().toLowerCase()).append(' ').append(timersFired[k.ordinal()]);
            }
        }
        return b.toString();
    }

    /** What stopped the node's thread, or null. */
    public Throwable failure() {
        return failure;
    }

    private void loop() {
        try {
            apply(engine.start(System.nanoTime()), System.nanoTime());
            long nextTick = 0;
            while (running) {
                long now = System.nanoTime();
                boolean busy = timers(now);
                Consumer<EmbeddedCpg> task;
                while ((task = tasks.poll()) != null) {
                    Consumer<EmbeddedCpg> t = task;
                    apply(engine.client(now, t), now);
                    busy = true;
                }
                if (now - nextTick >= 0) {
                    apply(engine.client(now, ticker), now);
                    nextTick = now + 1_000_000;
                }
                busy |= receive(now);
                if (!busy) {
                    // Frames and tasks wake the selector; timers are checked at least every millisecond.
                    idleSelects++;
                    selector.select(1);
                    selector.selectedKeys().clear();
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private boolean timers(long now) throws IOException {
        boolean fired = false;
        for (TimerKind k : TimerKind.values()) {
            long d = deadlines[k.ordinal()];
            if (d >= 0 && now - d >= 0) {
                deadlines[k.ordinal()] = -1;
                timersFired[k.ordinal()]++;
                apply(engine.onTimer(now, k), now);
                fired = true;
            }
        }
        return fired;
    }

    private boolean receive(long now) throws IOException {
        boolean got = false;
        for (int i = 0; i < READS_PER_TURN; i++) {
            byte[] own = loopback.poll();
            if (own != null) {
                apply(engine.onPacket(now, ByteBuffer.wrap(own)), now);
                got = true;
                continue;
            }
            receive.clear();
            if (channel.receive(receive) == null) {
                break;
            }
            receive.flip();
            framesIn++;
            apply(engine.onPacket(now, receive), now);
            got = true;
        }
        return got;
    }

    private void apply(Effects effects, long now) throws IOException {
        for (Effect e : effects.list()) {
            if (e instanceof Effect.Send s) {
                send(s.destination(), s.frame());
            } else if (e instanceof Effect.SetTimer t) {
                deadlines[t.kind().ordinal()] = now + t.delayNanos();
            } else if (e instanceof Effect.CancelTimer c) {
                deadlines[c.kind().ordinal()] = -1;
            }
        }
    }

    private void send(int destination, byte[] frame) throws IOException {
        if (destination == Effect.MULTICAST) {
            for (Map.Entry<Integer, InetSocketAddress> p : peers.entrySet()) {
                if (p.getKey() != nodeId) {
                    channel.send(ByteBuffer.wrap(frame), p.getValue());
                }
            }
            loopback.add(frame);
        } else if (destination == nodeId) {
            loopback.add(frame);
        } else {
            InetSocketAddress to = peers.get(destination);
            if (to != null) {
                channel.send(ByteBuffer.wrap(frame), to);
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        SelectorThread.stop(selector, thread);
        channel.close();
        selector.close();
    }
}
