package dev.totem.node.runtime;

import dev.totem.membership.TotemProcessor;
import dev.totem.node.admin.AdminServer;
import dev.totem.node.cpg.NodeCpg;
import dev.totem.node.runtime.NodeCounters.Snapshot;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One cluster node: a {@link TotemProcessor} driven over real UDP sockets by one netty event
 * loop thread, over one network or, with a redundant ring, several ({@link EngineStack} says
 * which engines lie between the processor and the sockets).
 *
 * <p>Threading: the node owns a netty event loop group of exactly one thread (native epoll when
 * available, NIO otherwise). That thread owns the engine and everything around it: it reads the
 * sockets, fires the timers, takes the submits, applies the effects in the order the engine
 * listed them ({@link EngineDriver}), and calls the {@link NodeListener}s. Nothing else touches the engine, so it needs
 * no locks. The public methods are thread safe: {@link #submit} queues the message and answers at
 * once ({@link SubmitQueue}); the others hand work to the loop ({@code execute}) and answer
 * through a {@link CompletableFuture}, whose dependent stages run on the loop unless the caller
 * gives an executor (keep them short, as listeners).
 *
 * <p>Time is {@link System#nanoTime} read on the loop thread for each input. Timers are netty
 * scheduled tasks, at most one per {@link TimerKind}; arming one cancels the previous.
 *
 * <p>Failures: an exception thrown by the engine (a bug: a malformed frame is counted, not
 * thrown) or by a listener is logged, rate limited, and counted; the loop keeps running.
 *
 * <p>Life cycle: {@link #start} binds the sockets and starts the engine; {@link #leave} tells
 * the others and closes; {@link #close} closes at once, as a crash would look to the others.
 * A closed node cannot be started again; a new {@code TotemNode} with the same settings (same
 * state directory) takes its place, with a higher ring seq.
 */
public final class TotemNode implements AutoCloseable {
    /** A retransmit rate above this many frames per second is logged once a second. */
    public static final int RETRANSMITS_PER_SECOND_WARN = 100;
    /** How long the shutdown hook waits for a clean leave before closing anyway. */
    public static final Duration SHUTDOWN_LEAVE_TIMEOUT = Duration.ofSeconds(2);
    /** How long {@link #close} and {@link #status} wait for the event loop. */
    public static final Duration LOOP_WAIT = Duration.ofSeconds(5);
    /** A network with a send error this recent is reported faulty. */
    static final int FAULT_WINDOW_SECONDS = 10;
    /**
     * Payload bytes of accepted submits waiting for the engine before {@link #submit} answers
     * TRY_AGAIN (a single message larger than this is still accepted into an empty queue).
     */
    public static final long PENDING_SUBMIT_BYTES_MAX = 4L << 20;

    private enum Phase {
        NEW,
        RUNNING,
        LEFT,
        CLOSED
    }

    /** The reloads and re-enables, and the settings a reload replaces. */
    private final OperatorCommands commands;
    /** The JVM shutdown hook that leaves the ring cleanly. */
    private final LeaveOnExit leaveOnExit;
    private final int nodeId;
    /** The processor, for its state and counters. */
    private final TotemProcessor engine;
    /** The engines from the processor down to the sockets. */
    private final EngineStack stack;
    /** The CPG layer on top of the engine stack, or null when the node runs without it. */
    private final NodeCpg cpg;
    /** The sealing layer's key reload and reports, or null when frames go in the clear. */
    private final NodeCrypto crypto;
    private final FrameCheckLog frameCheckLog;
    private final PauseWatch pauseWatch;
    private final NodeLog log;
    private final boolean epoll;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final NodeCounters counters = new NodeCounters();
    private final Networks networks;
    /** Feeds the engine its inputs on the loop and applies its effects. */
    private final EngineDriver driver;
    private final NetworkReport networkReport;
    private final NodeMetrics metrics;
    private final NodeEvents events;
    private final NodeSnapshots snapshots;
    private final SubmitQueue submits;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile Phase phase = Phase.NEW;

    // Event loop thread only.
    private ScheduledFuture<?> tick;

    // Set by start() before the loop runs the engine; read after.
    private volatile AdminServer admin;
    private volatile InetSocketAddress metricsAddress;

    /**
     * Builds the node and its engine (reading nothing yet from the network). The ring seq file
     * lives in the state directory, which is created if missing.
     */
    public TotemNode(RuntimeSettings settings) {
        this(settings, Epoll.isAvailable());
    }

    /** As {@link #TotemNode(RuntimeSettings)}; {@code useEpoll} false forces NIO (tests of the fallback). */
    TotemNode(RuntimeSettings settings, boolean useEpoll) {
        Objects.requireNonNull(settings, "settings");
        this.nodeId = settings.nodeId();
        this.log = new NodeLog(nodeId);
        this.leaveOnExit = new LeaveOnExit(nodeId, this::leave, this::close, log);
        this.stack = new EngineStack(settings, log);
        this.engine = stack.processor();
        this.crypto = stack.crypto();
        this.frameCheckLog = new FrameCheckLog(log, crypto != null);
        TotemEngine driven = stack.driven();
        this.cpg = settings.cpg().map(c -> new NodeCpg(driven, c, log)).orElse(null);
        this.epoll = useEpoll;
        // Daemon: a node someone forgot to close must not keep the JVM alive.
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("totem-node-" + nodeId, true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.loop = group.next();
        this.submits = new SubmitQueue(settings.pendingSubmitsMax(), PENDING_SUBMIT_BYTES_MAX,
                settings.totemConfig().messageBytesMax());
        this.networks = new Networks(settings, log, this::onFrame);
        this.networkReport = new NetworkReport(stack.ring(), networks, log);
        this.events = new NodeEvents(log, counters, this::recordLatency, settings.totemConfig().tokenTimeoutMs());
        // Before the first snapshot below, which reads whether the engine runs.
        this.driver = new EngineDriver(stack, cpg != null ? cpg.engine() : driven, cpg, networks, nodeId, loop, log,
                counters, submits, events, networkReport, () -> phase == Phase.CLOSED);
        if (cpg != null) {
            cpg.attach(loop, driver);
        }
        this.pauseWatch = new PauseWatch(settings.totemConfig().tokenTimeoutMs(), log, counters, driver,
                (task, delayNanos) -> loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS), System::nanoTime);
        this.commands = new OperatorCommands(settings, log, loop,
                new OperatorCommands.Parts(stack, cpg, crypto, networks, driver, events, pauseWatch, counters));
        this.snapshots = new NodeSnapshots(nodeId, settings.transport(), engine, stack.ring(), counters, crypto, submits,
                networkReport, events, cpg);
        this.metrics = new NodeMetrics(nodeId, snapshot(System.nanoTime()));
    }

    // ------------------------------------------------------------------ public API

    /** This node's id. */
    public int nodeId() {
        return nodeId;
    }

    /** Where {@link #reloadConfig} reads the settings again (the node command: its configuration file). */
    public void reloadConfigFrom(SettingsSource source) {
        commands.readFrom(source);
    }

    /** The settings this node runs with (the nodelist as last reloaded). */
    public RuntimeSettings settings() {
        return commands.settings();
    }

    /** Whether the sockets use native epoll (else NIO). */
    public boolean usesEpoll() {
        return epoll;
    }

    /**
     * The CPG service of this node, when its settings run one ({@link RuntimeSettings#cpg}):
     * {@code cpg().get().open(listener)} gives a thread-safe {@code CpgHandle}. A node with CPG
     * refuses raw {@link #submit}s (NOT_READY), and its {@link NodeListener}s see no deliveries:
     * every message on its ring belongs to the service.
     */
    public Optional<NodeCpg> cpg() {
        return Optional.ofNullable(cpg);
    }

    /** Adds a listener; it sees the events produced after it was added. */
    public void addListener(NodeListener listener) {
        events.addListener(listener);
    }

    /** Removes a listener; it may still see the events of the batch being applied. */
    public void removeListener(NodeListener listener) {
        events.removeListener(listener);
    }

    /**
     * Binds the sockets (and the admin socket and metrics port when configured), then starts the
     * engine on the loop. Returns once the sockets are bound; the ring forms afterwards.
     *
     * @throws IOException when a socket cannot be bound; the node is then closed
     * @throws IllegalStateException when called twice
     */
    public void start() throws IOException {
        if (!started.compareAndSet(false, true) || phase != Phase.NEW) {
            throw new IllegalStateException("node " + nodeId + " was already started or closed");
        }
        if (loop.inEventLoop()) {
            throw new IllegalStateException("start() blocks; do not call it on the node's event loop");
        }
        // Before any socket opens, so the threads the node starts inherit it.
        new ProcessScheduling().applyToThisProcess(settings().realTimeScheduling(), settings().nice(), log);
        try {
            networks.open(group, epoll);
            if (settings().adminSocket().isPresent()) {
                admin = AdminServer.open(group, epoll, settings().adminSocket().get(), commands.handlers(this::statusNow));
            }
            if (cpg != null) {
                cpg.openSocket(group, epoll);
            }
            if (settings().metricsPort().isPresent()) {
                metricsAddress = metrics.serve(settings().metricsPort().getAsInt());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        phase(Phase.RUNNING, "sockets open");
        if (crypto != null) {
            crypto.warmUp(nodeId);
        }
        loop.execute(this::startOnLoop);
    }

    /**
     * Submits a message for delivery to every member in the total order, from any thread, without
     * waiting (as corosync's {@code cpg_mcast_joined}). The payload is copied.
     *
     * <ul>
     *   <li>ACCEPTED: the message is queued; the loop hands queued messages to the engine in
     *       submit order as its send queue has room, and none is dropped while the node runs.</li>
     *   <li>TRY_AGAIN: nothing was queued, because {@link RuntimeSettings#pendingSubmitsMax}
     *       messages or {@link #PENDING_SUBMIT_BYTES_MAX} bytes are already waiting (flow control:
     *       the ring carries less than is submitted). Retry a little later.</li>
     *   <li>TOO_LARGE: the payload exceeds the engine's message bound.</li>
     *   <li>NOT_READY: not started, left or closed.</li>
     * </ul>
     */
    public SubmitStatus submit(byte[] payload, Guarantee guarantee) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(guarantee, "guarantee");
        if (phase != Phase.RUNNING) {
            return SubmitStatus.NOT_READY;
        }
        SubmitStatus status = submits.offer(payload, guarantee);
        if (status != SubmitStatus.ACCEPTED) {
            return status;
        }
        if (phase != Phase.RUNNING) {
            // The loop may have drained the queue for the last time before our offer.
            submits.clear();
            return SubmitStatus.NOT_READY;
        }
        if (submits.claimDrain()) {
            try {
                loop.execute(driver::drainSubmits);
            } catch (RejectedExecutionException e) {
                submits.clear();
                return SubmitStatus.NOT_READY;
            }
        }
        return SubmitStatus.ACCEPTED;
    }

    /**
     * Reloads the key file (SIGHUP, {@code ./totem crypto reload}): the new key opens frames at
     * once, seals them after the rotation grace (time for every node to load it), and the old key
     * stops opening frames one grace later. No frame is lost and the ring does not change.
     *
     * @return one line saying what happened
     */
    public CompletableFuture<String> reloadKey() {
        return commands.run(commands::reloadKeyNow);
    }

    /**
     * Reloads the configuration file (SIGHUP, {@code ./totem config reload}, corosync-cfgtool -R):
     * the nodelist, the CPG peer policy and the totem timeouts, constants and window are taken at
     * once, any other change waits for a restart ({@link SettingsReload}); an invalid file
     * changes nothing. Each node reads its own.
     *
     * @return one line saying what happened, starting with "error" when nothing could be applied
     */
    public CompletableFuture<String> reloadConfig() {
        return commands.run(commands::reloadConfigNow);
    }

    /**
     * Reloads this node's configuration file, then has every other node in the ring reload its
     * own ({@code ./totem config reload --cluster}, corosync-cfgtool -R), through the CPG ring
     * ({@link ClusterReload}); each logs what it applied.
     *
     * @return this node's answer and the nodes asked, starting with "error" when this node
     *     changed nothing, the others were not asked, or the node runs no CPG service
     */
    public CompletableFuture<String> reloadClusterConfig() {
        return commands.run(() -> commands.reloadClusterNow(ClusterReload.What.CONFIG));
    }

    /**
     * Reloads this node's key file, then has every other node in the ring reload its own
     * ({@code ./totem crypto reload --cluster}), as {@link #reloadClusterConfig} does: every node
     * then opens the new key within a rotation, well inside the grace before any seals with it.
     */
    public CompletableFuture<String> reloadClusterKey() {
        return commands.run(() -> commands.reloadClusterNow(ClusterReload.What.KEY));
    }

    /**
     * Re-enables a network the redundant ring marked faulty ({@code ./totem rrp reenable},
     * corosync-cfgtool -r): it carries frames again at once. A network that still fails is
     * marked faulty again by the detectors. Healed networks come back by themselves; this is
     * for an operator who does not want to wait.
     *
     * @param network the network's index, or empty for every faulty network
     * @return one line saying what happened, starting with "error" when nothing could be done
     */
    public CompletableFuture<String> reenableNetwork(OptionalInt network) {
        return commands.run(() -> commands.reenableNow(network.orElse(-1)));
    }

    /**
     * Tests only: cuts network {@code network} of this node (every datagram in and out dropped,
     * as a pulled cable) or mends it; the redundant ring sees only what comes through.
     */
    CompletableFuture<Void> cutNetwork(int network, boolean cut) {
        return CompletableFuture.runAsync(() -> networks.get(network).cut(cut), loop);
    }

    /** Tests only: the config the processor runs with now, its tunables reloaded or not; read on the loop. */
    CompletableFuture<TotemConfig> engineConfig() {
        return CompletableFuture.supplyAsync(() -> stack.processor().config(), loop);
    }

    /** Tests only: this node receives nothing on network {@code network} (it still sends), or again all. */
    CompletableFuture<Void> deafenNetwork(int network, boolean deaf) {
        return CompletableFuture.runAsync(() -> networks.get(network).deaf(deaf), loop);
    }

    /**
     * Leaves the ring cleanly: the engine tells the others (so they reform without waiting for
     * the token timeout), the frames are flushed, then the node closes. Idempotent.
     *
     * @return completes once the node is closed
     */
    public CompletableFuture<Void> leave() {
        if (phase == Phase.NEW) {
            close();
        } else {
            try {
                loop.execute(this::leaveOnLoop);
            } catch (RejectedExecutionException e) {
                // Already closed.
            }
        }
        return terminated.thenApply(x -> null);
    }

    /**
     * Closes at once, without telling the others (they see a token loss, as after a crash):
     * timers, sockets, the admin socket, the metrics port and the event loop. Waits up to
     * {@link #LOOP_WAIT} unless called on the loop itself. Idempotent.
     */
    @Override
    public void close() {
        leaveOnExit.remove();
        if (loop.inEventLoop()) {
            shutdownOnLoop();
            return;
        }
        try {
            loop.execute(this::shutdownOnLoop);
        } catch (RejectedExecutionException e) {
            // The loop is already shutting down.
        }
        try {
            terminated.get(LOOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warning("the event loop did not stop within " + LOOP_WAIT.toMillis() + " ms");
        }
    }

    /** Completes once the node is closed and its event loop has stopped. */
    public CompletableFuture<Void> terminationFuture() {
        return terminated.thenApply(x -> null);
    }

    /**
     * A snapshot of the node's state, taken on its event loop (waiting up to {@link #LOOP_WAIT});
     * after close, the final state.
     *
     * @throws IllegalStateException when the loop does not answer in time
     */
    public NodeStatus status() {
        if (loop.inEventLoop() || terminated.isDone()) {
            return statusNow();
        }
        CompletableFuture<NodeStatus> answer = new CompletableFuture<>();
        try {
            loop.execute(() -> answer.complete(statusNow()));
            return answer.get(LOOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return afterTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the status of node " + nodeId, e);
        } catch (ExecutionException | TimeoutException e) {
            if (terminated.isDone()) {
                return statusNow();
            }
            throw new IllegalStateException("node " + nodeId + "'s event loop did not answer", e);
        }
    }

    private NodeStatus afterTermination() {
        try {
            terminated.get(LOOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("node " + nodeId + " is stopping and did not finish", e);
        }
        return statusNow();
    }

    /** The node's meters (for embedding in an application's own registry or endpoint). */
    public PrometheusMeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** The address {@code /metrics} is served on, once started with a metrics port. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsAddress);
    }

    /** The admin socket's path, once started with one. */
    public Optional<Path> adminSocket() {
        AdminServer a = admin;
        return a == null ? Optional.empty() : Optional.of(a.path());
    }

    /**
     * Makes a SIGTERM (or any JVM exit) leave the ring cleanly: a shutdown hook calls
     * {@link #leave} and waits up to {@link #SHUTDOWN_LEAVE_TIMEOUT}, then closes. {@link #close}
     * removes the hook. Idempotent.
     *
     * @return the hook thread
     */
    public Thread installShutdownHook() {
        return leaveOnExit.install(SHUTDOWN_LEAVE_TIMEOUT);
    }

    // ------------------------------------------------------------------ life cycle (event loop)

    private void startOnLoop() {
        if (phase != Phase.RUNNING) {
            return; // closed before the loop got here
        }
        log.info("starting: " + settings().transport().configName() + " on "
                + UdpNetwork.describe(settings().unicastAddress()) + ", " + settings().otherPeers().size()
                + " peers" + (networks.count() > 1 ? ", " + networks.count() + " networks, rrp_mode "
                        + settings().rrpMode().name().toLowerCase(Locale.ROOT) : "") + ", token " + settings().totemConfig().tokenTimeoutMs() + " ms, ring seq file "
                + settings().stateDirectory().resolve("ringid_" + nodeId));
        driver.startEngine();
        tick = loop.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        pauseWatch.start();
        if (submits.size() > 0) {
            driver.drainSubmits(); // accepted between start() and now
        }
    }

    /** The one place the life-cycle phase changes: logs old phase, new phase and why. */
    private void phase(Phase next, String reason) {
        Phase old = phase;
        phase = next;
        log.info("node " + old.name().toLowerCase(Locale.ROOT) + " -> " + next.name().toLowerCase(Locale.ROOT) + ": " + reason);
    }

    /** Frames from the sockets, for {@link #networks}, built before the driver that takes them. */
    private void onFrame(int network, ByteBuffer frame, int length) {
        long nowNanos = System.nanoTime();
        pauseWatch.beforeFrame(nowNanos);
        driver.onFrame(nowNanos, network, frame, length);
    }

    private void leaveOnLoop() {
        if (driver.leaveEngine()) {
            phase(Phase.LEFT, "left ring " + engine.ringId() + " cleanly");
            submits.clearOnLoop();
        }
        // Close once the leave frames are on the wire (the flush above wrote them to the sockets).
        networks.whenWritten(this::shutdownOnLoop);
    }

    private void shutdownOnLoop() {
        if (phase == Phase.CLOSED) {
            return;
        }
        boolean wasRunning = driver.running();
        phase(Phase.CLOSED, wasRunning ? "closed without leaving: the others will see a token loss" : "closed");
        driver.stop();
        if (tick != null) {
            tick.cancel(false);
        }
        pauseWatch.stop();
        metrics.publish(snapshot(System.nanoTime()));
        AdminServer a = admin;
        if (a != null) {
            a.close();
        }
        if (cpg != null) {
            cpg.close();
        }
        networks.close();
        group.shutdownGracefully(0, LOOP_WAIT.toMillis(), TimeUnit.MILLISECONDS).addListener(f -> {
            metrics.stop();
            terminated.complete(null);
        });
    }

    // ------------------------------------------------------------------ snapshots (event loop)

    private void tick() {
        double retransmitsPerSecond = metrics.publish(snapshot(System.nanoTime()));
        if (retransmitsPerSecond > RETRANSMITS_PER_SECOND_WARN) {
            log.warning(String.format(Locale.ROOT, "retransmitting %.0f frames/s (warning above %d): loss on %s or a"
                    + " slow member", retransmitsPerSecond, RETRANSMITS_PER_SECOND_WARN,
                    networks.count() > 1 ? "the networks" : NetworkSettings.name(0)));
        }
        if (crypto != null) {
            crypto.logRejections();
        }
        frameCheckLog.look(engine.rejected());
    }

    /** For {@link #events}, which the first snapshot, hence {@link #metrics}, needs before it exists. */
    private void recordLatency(long ageMicros) {
        metrics.recordLatency(ageMicros);
    }

    private Snapshot snapshot(long nowNanos) {
        return snapshots.snapshot(nowNanos, driver.running());
    }

    /** The status, read directly: on the loop, or after it stopped. */
    private NodeStatus statusNow() {
        String state = phase == Phase.RUNNING ? (driver.running() ? engine.state().name() : "STARTING") : phase.name();
        return snapshots.status(System.nanoTime(), driver.running(), state, FAULT_WINDOW_SECONDS, settings().peers().keySet());
    }
}
