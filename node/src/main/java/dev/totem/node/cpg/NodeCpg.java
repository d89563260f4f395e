package dev.totem.node.cpg;

import dev.totem.cpg.ClientId;
import dev.totem.cpg.CpgEngine;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgNotice;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.EmbeddedCpg;
import dev.totem.cpg.SyncPhase;
import dev.totem.node.runtime.NodeLog;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.TotemEngine;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The CPG layer of a node: the {@link CpgEngine} on top of the node's engine stack, the
 * thread-safe handles of code in the node's JVM ({@link #open}), and the IPC socket of other
 * processes ({@link IpcServer}). The node drives {@link #engine()} as it drives any engine and
 * lends this class its event loop ({@link #attach}).
 *
 * <p>Threading: everything that touches the service runs on the node's loop thread. Embedded
 * handles used from other threads put their calls in a bounded inbox that the loop drains; IPC
 * connections run on the loop itself. A call the service answers TRY_AGAIN because the ring is
 * full or syncing waits (a multicast from the inbox, a streaming IPC multicast) until one of this
 * node's own messages comes back, the configuration changes, or {@value #RETRY_MICROS} µs pass,
 * then is tried again, in order.
 */
public final class NodeCpg implements AutoCloseable {
    /** What the node lends the CPG layer; every method is called on the loop. */
    public interface Loop {
        /** Whether the engine runs (started, not left or closed). */
        boolean running();

        /** Applies one batch of effects, as the node applies its engine's. */
        void apply(Effects effects);

        /** Reports an exception thrown by the engine stack on {@code input}; the loop goes on. */
        void failed(String input, RuntimeException e);
    }

    /** Linux's largest pid (PID_MAX_LIMIT): client ids above it are made up, never a real pid. */
    static final int PID_MAX_LIMIT = 1 << 22;
    /**
     * Retry period of calls waiting for the ring, when nothing wakes them first: this node's own
     * deliveries (room in the ring) and configuration changes do. Only a fallback: at 1 ms the
     * loop spent its time retrying in vain (`./totem bench --mode cpg`, 1600 B: 39k -> 64k msgs/s).
     */
    static final long RETRY_MICROS = 20_000;
    /** How long a call from another thread waits for the loop. */
    static final long LOOP_WAIT_MILLIS = 5_000;
    /**
     * Payload bytes of queued multicasts past which the inbox answers TRY_AGAIN (an empty inbox
     * takes one message of any allowed size): enough for several token rotations, while a
     * deeper queue only adds latency and live heap.
     */
    static final long INBOX_BYTES_MAX = 4L << 20;

    private final CpgEngine engine;
    /** Replaced by a reload of the file's uidgid sections ({@link #replacePeerPolicy}). */
    private volatile CpgSettings settings;
    private final NodeLog log;
    private final ArrayBlockingQueue<InboxCall> inbox;
    /** Payload bytes of the inbox's multicasts. */
    private final AtomicLong inboxBytes = new AtomicLong();
    /** Set from the offer that schedules a drain until a drain ends unblocked; see {@link #drainInbox}. */
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** One instance, so that waiting for the ring holds it once. */
    private final Runnable drainTask = this::drainInbox;
    private final AtomicLong mcastsDropped = new AtomicLong();
    private final AtomicLong clientHoldBacks = new AtomicLong();

    private volatile EventLoop loop;
    private volatile Loop node;

    // Loop thread only.
    private final Set<Integer> ids = new HashSet<>();
    private int nextMadeUpId = PID_MAX_LIMIT + 1;
    private final LinkedHashSet<Runnable> waiting = new LinkedHashSet<>();
    private boolean wakeScheduled;
    /** Events or notices may wait for the clients: the node runs {@link CpgEngine#dispatch} soon. */
    private boolean dispatchWanted;
    private ScheduledFuture<?> retryTimer;
    private final ArrayDeque<IpcConnection> toFlush = new ArrayDeque<>();
    private boolean flushScheduled;
    private final NodeLog.Limiter noticeLimiter = new NodeLog.Limiter();
    private final NodeLog.Limiter dropLimiter = new NodeLog.Limiter();
    private IpcServer server;

    /** One call of an embedded handle waiting for the loop. */
    private sealed interface InboxCall permits Mcast, Call {
        SharedHandle handle();
    }

    private record Mcast(SharedHandle handle, String group, byte[] payload, dev.totem.protocol.api.Guarantee guarantee)
            implements InboxCall {}

    private record Call(SharedHandle handle, Function<CpgHandle, CpgResult> call, CompletableFuture<CpgResult> result)
            implements InboxCall {}

    /**
     * Puts the CPG service on top of {@code inner}, which must carry messages of
     * {@code settings.config().engineMessageBytesMax()} bytes.
     */
    public NodeCpg(TotemEngine inner, CpgSettings settings, NodeLog log) {
        this.settings = settings;
        this.log = log;
        this.engine = new CpgEngine(inner, settings.config(), this::notice);
        // The node runs the callbacks after each batch's frames left (TotemNode.dispatchCpg).
        engine.driverDispatches();
        this.inbox = new ArrayBlockingQueue<>(settings.inboxCallsMax());
        // Calls wait for room in the ring (freed when this node's own messages come back) or for
        // the end of a sync (any delivery or configuration change may end it). Waking them on
        // anything else (another node's delivery, a frame sent, a timer set) only retried in vain,
        // once per input: `./totem bench --mode cpg` 1600 B spent a third of its loop so.
        int self = inner.nodeId();
        engine.tap(e -> {
            dispatchWanted = true;
            if (e instanceof Effect.Deliver d
                    ? d.sender() == self || engine.service().phase() != SyncPhase.SYNCED
                    : e instanceof Effect.ConfigurationChange || e instanceof Effect.TokenLost) {
                wake();
            }
        });
    }

    /** The engine the node drives: the service over the inner engine. */
    public CpgEngine engine() {
        return engine;
    }

    /** The settings (the peer policy as last reloaded). */
    public CpgSettings settings() {
        return settings;
    }

    /**
     * Takes a reloaded peer policy (the file's {@code uidgid} sections), on the loop: connections
     * from now on are checked against it; those already served stay, as in corosync.
     */
    public void replacePeerPolicy(PeerPolicy peers) {
        settings = settings.withPeers(peers);
    }

    /**
     * Runs {@code task} on the node's loop, after what is queued there: for code in the node's
     * JVM that wants its own work on the thread of its handle's callbacks (an embedded handle
     * calls its listener there), so that the two never run side by side. Work there holds the
     * ring (the next datagrams, the token's next visit) while it runs.
     *
     * @throws IllegalStateException before the node has started
     * @throws java.util.concurrent.RejectedExecutionException once the node has closed
     */
    public void execute(Runnable task) {
        attachedLoop().execute(task);
    }

    /**
     * Runs {@code task} on the node's loop every {@code periodMillis}, the first time after one
     * period, until the node closes or the returned future is cancelled (see {@link #execute}).
     *
     * @throws IllegalStateException before the node has started
     */
    public ScheduledFuture<?> every(long periodMillis, Runnable task) {
        if (periodMillis < 1) {
            throw new IllegalArgumentException("period must be at least 1 ms, got " + periodMillis);
        }
        return attachedLoop().scheduleWithFixedDelay(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private EventLoop attachedLoop() {
        EventLoop l = loop;
        if (l == null) {
            throw new IllegalStateException("the node's CPG layer is not attached to a loop yet");
        }
        return l;
    }

    /** Called by the node once its loop exists, before anything runs on it. */
    public void attach(EventLoop eventLoop, Loop access) {
        this.loop = eventLoop;
        this.node = access;
    }

    /**
     * Binds the IPC socket when the settings name one (a socket file left by a dead node is
     * replaced; a live one is an error). Its connections run on {@code group}, the node's loop.
     */
    public void openSocket(EventLoopGroup group, boolean epoll) throws IOException {
        if (settings.socket().isPresent()) {
            server = IpcServer.open(group, epoll, settings.socket().get(), this);
            log.info("CPG socket " + settings.socket().get() + " (mode 0660) open");
        }
    }

    /** The IPC socket's path, when one is open. */
    public Optional<Path> socketPath() {
        IpcServer s = server;
        return s == null ? Optional.empty() : Optional.of(s.path());
    }

    /**
     * Opens a handle for code in the node's JVM, with a made-up client id (never a real pid).
     * The handle is thread safe; see {@link SharedHandle} for what each call does.
     */
    public CpgHandle open(CpgListener listener) {
        return openOnLoop(null, listener);
    }

    /**
     * As {@link #open(CpgListener)}, with the id {@code client}.
     *
     * @throws IllegalStateException when a handle with that id is open on this node
     */
    public CpgHandle open(ClientId client, CpgListener listener) {
        return openOnLoop(client, listener);
    }

    private CpgHandle openOnLoop(ClientId client, CpgListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is required");
        }
        return onLoop(() -> {
            ClientId id = client == null ? allocate(0) : claim(client);
            SharedHandle h = new SharedHandle(this, id, listener);
            h.attach(engine.cpg().open(id, h.loopListener()));
            return h;
        });
    }

    /** Multicasts refused for good after their handle was told OK (the handle had left, for example). */
    public long mcastsDropped() {
        return mcastsDropped.get();
    }

    /**
     * Times an IPC client's requests were held back because more than
     * {@link CpgSettings#holdBackBytes} of events waited for it to read.
     */
    public long clientHoldBacks() {
        return clientHoldBacks.get();
    }

    /** Counts one hold-back; see {@link #clientHoldBacks}. */
    void countHoldBack() {
        clientHoldBacks.incrementAndGet();
    }

    /** Closes the IPC socket and its connections (their clients see PROCDOWN); on the loop. */
    @Override
    public void close() {
        IpcServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
        InboxCall c;
        while ((c = inbox.poll()) != null) {
            if (c instanceof Call call) {
                call.result().complete(closedResult());
            } else if (c instanceof Mcast m) {
                inboxBytes.addAndGet(-m.payload().length);
            }
        }
    }

    // ------------------------------------------------------------------ for handles and connections

    /** Runs {@code action} against the service now and applies what it caused; loop only. */
    boolean run(String what, Consumer<EmbeddedCpg> action) {
        Loop n = node;
        if (n == null || !n.running()) {
            return false;
        }
        Effects effects;
        try {
            effects = engine.client(System.nanoTime(), action);
        } catch (RuntimeException e) {
            n.failed(what, e);
            return false;
        }
        dispatchWanted = true; // a call may queue notices (a disconnection) as well as events
        n.apply(effects);
        return true;
    }

    /**
     * Whether events or notices may wait for the clients since the last call; clears it. The node
     * then runs {@link CpgEngine#dispatch} in a loop task of its own.
     */
    public boolean takeDispatchWanted() {
        boolean wanted = dispatchWanted;
        dispatchWanted = false;
        return wanted;
    }

    /**
     * Runs one call of a handle on the loop, now: directly inside a listener callback (its
     * effects join the batch being applied), else as an input of its own.
     */
    CpgResult callNow(String what, Callable<CpgResult> call) {
        if (engine.inInput()) {
            return callUnchecked(call);
        }
        CpgResult[] result = {closedResult()};
        run(what, cpg -> result[0] = callUnchecked(call));
        return result[0];
    }

    private static CpgResult callUnchecked(Callable<CpgResult> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code task} on the loop and waits for its answer; directly when already there. */
    <T> T onLoop(Callable<T> task) {
        EventLoop l = loop;
        if (l == null) {
            throw new IllegalStateException("the node's CPG layer is not attached to a loop yet");
        }
        try {
            if (l.inEventLoop()) {
                return task.call();
            }
            return l.submit(task).get(LOOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the node's loop", e);
        } catch (TimeoutException | RejectedExecutionException e) {
            throw new IllegalStateException("the node's loop did not answer (is the node closed?)", e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    boolean inLoop() {
        EventLoop l = loop;
        return l != null && l.inEventLoop();
    }

    /** Queues a multicast of an embedded handle; false when the inbox is full (in calls or bytes). */
    boolean offer(SharedHandle h, String group, byte[] payload, dev.totem.protocol.api.Guarantee guarantee) {
        long bytes = inboxBytes.addAndGet(payload.length);
        if ((bytes > INBOX_BYTES_MAX && bytes != payload.length) || !inbox.offer(new Mcast(h, group, payload, guarantee))) {
            inboxBytes.addAndGet(-payload.length);
            return false;
        }
        h.queued().incrementAndGet();
        scheduleDrain();
        return true;
    }

    /** Queues a call behind the handle's multicasts and waits for its answer (off the loop). */
    CpgResult callQueued(SharedHandle h, Function<CpgHandle, CpgResult> call) {
        CompletableFuture<CpgResult> result = new CompletableFuture<>();
        if (!inbox.offer(new Call(h, call, result))) {
            return CpgResult.of(CpgError.TRY_AGAIN, "the node's CPG inbox holds " + inbox.size()
                    + " calls, the most it keeps");
        }
        h.queued().incrementAndGet();
        scheduleDrain();
        try {
            return result.get(LOOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CpgResult.of(CpgError.TRY_AGAIN, "interrupted while waiting for the node");
        } catch (ExecutionException | TimeoutException e) {
            return CpgResult.of(CpgError.TRY_AGAIN, "the node did not answer within " + LOOP_WAIT_MILLIS + " ms");
        }
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
                close();
            }
        }
    }

    /**
     * On the loop: the inbox's calls in order, until a multicast meets a full or syncing ring.
     * {@link #drainScheduled} stays set from the offer that scheduled a drain until a drain
     * ends unblocked, so offers made meanwhile schedule nothing: a blocked inbox waits for the
     * ring alone. (Clearing it at the start let every offer schedule a drain that met the full
     * ring again: ~150,000 vain inputs per second in `./totem bench --mode cpg`.)
     */
    private void drainInbox() {
        boolean[] blocked = {false};
        boolean ran = run("embedded CPG calls", cpg -> {
            // Only what is here now, so a flood of calls cannot starve the network.
            for (int n = inbox.size(); n > 0 && !blocked[0]; n--) {
                InboxCall c = inbox.peek();
                if (c instanceof Mcast m) {
                    CpgResult r = m.handle().inner().mcast(m.group(), m.payload(), m.guarantee());
                    if (r.error() == CpgError.TRY_AGAIN) {
                        blocked[0] = true;
                        break;
                    }
                    if (!r.ok() && r.error() != CpgError.BAD_HANDLE) {
                        dropped(m, r);
                    }
                } else if (c instanceof Call call) {
                    call.result().complete(call.call().apply(call.handle().inner()));
                }
                inbox.poll();
                c.handle().queued().decrementAndGet();
                if (c instanceof Mcast m) {
                    inboxBytes.addAndGet(-m.payload().length);
                }
            }
        });
        if (!ran) {
            drainScheduled.set(false);
            close();
        } else if (blocked[0]) {
            await(drainTask);
        } else {
            drainScheduled.set(false);
            if (!inbox.isEmpty()) {
                scheduleDrain(); // offered after the loop above, or more than one drain takes
            }
        }
    }

    private void dropped(Mcast m, CpgResult r) {
        mcastsDropped.incrementAndGet();
        long left = dropLimiter.admit(System.nanoTime());
        if (left >= 0) {
            log.warning("CPG: a queued multicast of " + m.handle().clientId() + " to group " + m.group()
                    + " was refused and dropped: " + r + (left > 0 ? " (" + left + " more not logged)" : ""));
        }
    }

    /** Runs {@code retry} once the ring may take more (after a delivery, or a short while); loop only. */
    void await(Runnable retry) {
        waiting.add(retry);
        if (retryTimer == null) {
            retryTimer = loop.schedule(this::retryWaiting, RETRY_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    /** Seen by the engine's tap on every delivery and configuration change (inside an input). */
    private void wake() {
        if (!waiting.isEmpty() && !wakeScheduled) {
            wakeScheduled = true;
            loop.execute(this::retryWaiting);
        }
    }

    private void retryWaiting() {
        wakeScheduled = false;
        if (retryTimer != null) {
            retryTimer.cancel(false);
            retryTimer = null;
        }
        List<Runnable> now = new ArrayList<>(waiting);
        waiting.clear();
        for (Runnable r : now) {
            r.run();
        }
    }

    /** Flushes {@code c} after the current loop task, with every other connection written meanwhile. */
    void flushLater(IpcConnection c) {
        toFlush.add(c);
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(this::flushAll);
        }
    }

    private void flushAll() {
        flushScheduled = false;
        IpcConnection c;
        while ((c = toFlush.poll()) != null) {
            c.flush();
        }
    }

    /** A client id for a process with pid {@code pid}: the pid itself when free, else a made-up one. */
    ClientId allocate(int pid) {
        if (pid > 0 && pid <= PID_MAX_LIMIT && ids.add(pid)) {
            return ClientId.of(pid);
        }
        while (!ids.add(nextMadeUpId)) {
            nextMadeUpId = nextMadeUpId == Integer.MAX_VALUE ? PID_MAX_LIMIT + 1 : nextMadeUpId + 1;
        }
        return ClientId.of(nextMadeUpId);
    }

    private ClientId claim(ClientId id) {
        if (!ids.add(id.pid())) {
            throw new IllegalStateException(id + " already has an open CPG handle on this node");
        }
        return id;
    }

    /** The id is free again (its handle closed). */
    void release(ClientId id) {
        ids.remove(id.pid());
    }

    NodeLog log() {
        return log;
    }

    EventLoop loop() {
        return loop;
    }

    static CpgResult closedResult() {
        return CpgResult.of(CpgError.BAD_HANDLE, "the node is not running");
    }

    private void notice(CpgNotice n) {
        if (n instanceof CpgNotice.ClientDisconnected d) {
            log.warning("CPG client " + d.client() + " disconnected: " + d.reason());
            return;
        }
        long left = noticeLimiter.admit(System.nanoTime());
        if (left >= 0) {
            String more = left > 0 ? " (" + left + " more not logged)" : "";
            if (n instanceof CpgNotice.Malformed m) {
                log.warning("CPG: dropped a malformed message from node " + m.senderNode() + ": " + m.reason() + more);
            } else if (n instanceof CpgNotice.SubmitDropped s) {
                log.warning("CPG: " + s.reason() + more);
            }
        }
    }
}
