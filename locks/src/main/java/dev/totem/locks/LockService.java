package dev.totem.locks;

import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.protocol.api.Guarantee;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A replicated lock service for one process, on any {@link CpgHandle}: embedded in a node, over
 * IPC, or in the simulator. The process joins the service's group; each member keeps a replica
 * of the lock table ({@link LockReplica}); a request is multicast and decided when it is
 * delivered, at every member alike, so a grant needs no reply from anyone: the process learns it
 * holds a lock when its own request comes back to it with the lock free, or when the release or
 * departure of the holder before it does.
 *
 * <p>Single-threaded: call it on the thread that runs its handle's callbacks (for
 * {@code EmbeddedCpg}, inside {@code CpgEngine.client}); futures complete on that thread.
 *
 * <pre>{@code
 * LockService locks = LockService.open(listener -> cpg.open(ClientId.of(pid), listener), LockConfig.defaults());
 * locks.acquire("printer").thenAccept(lease -> { print(); lease.release(); });
 * }</pre>
 */
public final class LockService implements CpgListener, AutoCloseable {
    /** A request of this process the table has not finished with. */
    private static final class Pending {
        final String name;
        /** The name's UTF-8, encoded once for the acquire and the release (null if refused). */
        final byte[] nameBytes;
        final boolean tryOnly;
        /** The future of an acquire (null for a try). */
        final CompletableFuture<Lease> granted;
        /** The future of a try (null for an acquire). */
        final CompletableFuture<Optional<Lease>> tried;
        boolean cancelled;

        Pending(String name, byte[] nameBytes, boolean tryOnly) {
            this.name = name;
            this.nameBytes = nameBytes;
            this.tryOnly = tryOnly;
            this.granted = tryOnly ? null : new CompletableFuture<>();
            this.tried = tryOnly ? new CompletableFuture<>() : null;
        }

        void fail(LockException e) {
            if (tryOnly) {
                tried.completeExceptionally(e);
            } else {
                granted.completeExceptionally(e);
            }
        }
    }

    /**
     * An encoded message waiting for CPG.
     *
     * @param seq the acquire's number (its future fails if CPG refuses it), else 0
     * @param request an acquire or release, which may go in a {@link LockMessage.Batch}
     */
    private record Outgoing(byte[] bytes, Guarantee guarantee, long seq, boolean request) {}

    private final CpgHandle handle;
    private final LockConfig config;
    private final LockReplica replica;
    private final int node;
    private final int pid;
    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private final List<LockMessage> resend = new ArrayList<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    /** By request number; a hash map, as a busy process adds and removes one per grant (walks sort it: {@link #oldestFirst}). */
    private final Map<Long, Lease> leases = new HashMap<>();
    private final List<LockEvent> events = new ArrayList<>();
    /** Reads delivered requests where they lie (in {@link #delivered}). */
    private final LockCodec.Requests requests = new LockCodec.Requests();
    /** The bytes of the message being delivered. */
    private byte[] delivered = new byte[256];
    /** The table's events this process reads: its own requests', and all of them while observed. */
    private final LockEventSink sink = new LockEventSink() {
        @Override
        public void accept(LockEvent e) {
            events.add(e);
        }

        @Override
        public boolean wants(long process) {
            return observer != null || process == self;
        }
    };
    /** Null: none (the table then makes no events of other processes' requests). */
    private Consumer<LockEvent> observer;
    private final long self;
    private long nextSeq = 1;
    private long malformed;
    private long tryAgains;
    private final List<byte[]> batch = new ArrayList<>();
    private boolean closed;
    /** Inside a CPG callback or {@link #batch}: requests wait for its end, to go out in batches. */
    private boolean batching;
    private String joinError;

    private LockService(Function<CpgListener, CpgHandle> opener, LockConfig config, Supplier<LockTable> tables,
            LongSupplier rounds) {
        this.config = config;
        this.handle = opener.apply(this);
        this.node = handle.localNodeId();
        this.pid = handle.clientId().pid();
        this.self = RequestId.process(node, pid);
        this.replica = new LockReplica(node, pid, config, tables, rounds, m -> enqueue(m, Guarantee.AGREED, 0));
        CpgResult joined = handle.join(config.group());
        if (!joined.ok()) {
            joinError = "joining group " + config.group() + ": " + joined;
        }
    }

    /**
     * Opens a handle through {@code opener} (given this service as the handle's listener) and
     * joins the service's group.
     */
    public static LockService open(Function<CpgListener, CpgHandle> opener, LockConfig config) {
        SplittableRandom random = new SplittableRandom();
        return open(opener, config, () -> new LockTable(config.requestsMax()), random::nextLong);
    }

    /**
     * As {@link #open(Function, LockConfig)}, with the tables and the sync round numbers given
     * (the simulator draws the numbers from its seed; tests plant broken tables).
     */
    public static LockService open(Function<CpgListener, CpgHandle> opener, LockConfig config, Supplier<LockTable> tables,
            LongSupplier rounds) {
        return new LockService(opener, config, tables, rounds);
    }

    /** The join failed (CPG answered TRY_AGAIN, say): why, or null. Try {@link #open} again later. */
    public String joinError() {
        return joinError;
    }

    /**
     * Asks for {@code name}: the future completes with the lease when the group grants it, FIFO
     * behind earlier requests; it fails with a {@link LockException} if the request is refused
     * (table full), cancelled ({@link #release(String)}) or lost (this process left the group).
     */
    public CompletableFuture<Lease> acquire(String name) {
        Pending p = request(name, false);
        return p.granted;
    }

    /**
     * Asks for {@code name} if it is free when the request is delivered: an empty result if it
     * is held then (the request never waits).
     */
    public CompletableFuture<Optional<Lease>> tryAcquire(String name) {
        Pending p = request(name, true);
        return p.tried;
    }

    private Pending request(String name, boolean tryOnly) {
        String refused = closed ? "the lock service is closed"
                : outbox.size() >= config.outboxMax() ? "the outbox is full (" + config.outboxMax() + " messages)" : null;
        byte[] nameBytes = null;
        if (refused == null) {
            try {
                nameBytes = LockCodec.nameBytes(name);
            } catch (IllegalArgumentException e) {
                refused = e.getMessage();
            }
        }
        Pending p = new Pending(name, nameBytes, tryOnly);
        if (refused != null) {
            p.fail(new LockException(refused));
            return p;
        }
        long seq = nextSeq++;
        pending.put(seq, p);
        outbox.add(new Outgoing(LockCodec.acquire(nameBytes, seq, tryOnly), config.requestGuarantee(), seq, true));
        flushOutsideCallbacks();
        return p;
    }

    /**
     * Releases this process's oldest lease on {@code name}, or else cancels its oldest request
     * still waiting for it (the waiting future then fails).
     *
     * @return whether there was one
     */
    public boolean release(String name) {
        for (Lease l : oldestFirst()) {
            if (l.name().equals(name) && l.held()) {
                l.release();
                return true;
            }
        }
        for (Map.Entry<Long, Pending> e : new TreeMap<>(pending).entrySet()) {
            Pending p = e.getValue();
            if (p.name.equals(name) && !p.cancelled && !p.tryOnly) {
                p.cancelled = true;
                sendRelease(name, p.nameBytes, e.getKey());
                return true;
            }
        }
        return false;
    }

    /** Sends the release of request {@code seq} on {@code name}, whose UTF-8 is {@code nameBytes} (null: encode it). */
    void sendRelease(String name, byte[] nameBytes, long seq) {
        if (!closed) {
            // Agreed would be enough (see the README), but the engine packs a run of messages into
            // one frame only while their guarantee stays the same: releases go as acquires do.
            byte[] release = LockCodec.release(nameBytes != null ? nameBytes : LockCodec.nameBytes(name), seq);
            outbox.add(new Outgoing(release, config.requestGuarantee(), 0, true));
            flushOutsideCallbacks();
        }
    }

    /**
     * Runs {@code work}, which may make many requests, and sends them when it ends, in batches,
     * as the requests made while the service handles a callback go: a process that starts many
     * requests at once sends a few messages instead of one each.
     */
    public void batch(Runnable work) {
        if (batching) {
            work.run();
            return;
        }
        batching = true;
        try {
            work.run();
        } finally {
            batching = false;
        }
        pump();
    }

    /** Leases this process holds now, oldest first. */
    public List<Lease> leases() {
        List<Lease> out = new ArrayList<>();
        for (Lease l : oldestFirst()) {
            if (l.held()) {
                out.add(l);
            }
        }
        return out;
    }

    private List<Lease> oldestFirst() {
        return new TreeMap<>(leases).values().stream().toList();
    }

    /** Requests of this process the table has not answered yet. */
    public int pendingRequests() {
        return pending.size();
    }

    /** Messages waiting for CPG to take them (it answered TRY_AGAIN), and requests to send again once synchronised. */
    public int unsent() {
        return outbox.size() + resend.size();
    }

    /** This process's replica of the table. */
    public LockReplica replica() {
        return replica;
    }

    /** The handle underneath. */
    public CpgHandle handle() {
        return handle;
    }

    /** Messages of the group that did not decode, dropped. */
    public long malformed() {
        return malformed;
    }

    /** Times CPG answered TRY_AGAIN to a multicast (the message waited in the outbox). */
    public long tryAgains() {
        return tryAgains;
    }

    /** Sees every event of the replica's table, for every process's requests, in order (checkers, tools). */
    public void observe(Consumer<LockEvent> o) {
        this.observer = o;
    }

    /**
     * Sends what CPG refused earlier with TRY_AGAIN. Every callback does it too; call it now and
     * then when the process may sit without callbacks (an idle group).
     */
    public void pump() {
        if (replica.phase() == LockReplica.Phase.SYNCED && !resend.isEmpty()) {
            for (LockMessage m : resend) {
                enqueue(m, config.requestGuarantee(), 0);
            }
            resend.clear();
        }
        flush();
    }

    /**
     * Leaves: closes the handle, so every member takes this process's requests out at the confchg
     * that removes it. Leases are lost ({@link LockEvent.Cause#LEFT}), waiting requests fail.
     */
    @Override
    public void close() {
        if (!closed) {
            handle.close();
            shutDown("the lock service is closed");
        }
    }

    private void shutDown(String why) {
        closed = true;
        outbox.clear();
        resend.clear();
        for (Pending p : pending.values()) {
            p.fail(new LockException(why, LockEvent.Cause.LEFT));
        }
        pending.clear();
        for (Lease l : oldestFirst()) {
            l.lose(LockEvent.Cause.LEFT);
        }
        leases.clear();
    }

    // ------------------------------------------------------------------ CPG callbacks

    @Override
    public void onDeliver(CpgEvent.Deliver d) {
        if (closed || !d.group().equals(config.group())) {
            return;
        }
        int length = d.length();
        if (delivered.length < length) {
            delivered = new byte[Math.max(length, 2 * delivered.length)];
        }
        d.payloadView().get(delivered, 0, length);
        LockMessage m = null;
        try {
            if (length >= 2 && LockCodec.Requests.isRequests(delivered[1])) {
                requests.check(delivered, 0, length);
            } else {
                m = LockCodec.decode(ByteBuffer.wrap(delivered, 0, length));
            }
        } catch (IllegalArgumentException e) {
            malformed++;
            return;
        }
        batching = true;
        try {
            if (m == null) {
                replica.onRequests(d.senderNode(), d.senderPid(), requests, sink);
            } else {
                replica.onDeliver(d.senderNode(), d.senderPid(), m, sink);
            }
            handleEvents();
        } finally {
            batching = false;
        }
        pump();
    }

    @Override
    public void onConfchg(CpgEvent.Confchg c) {
        if (closed || !c.group().equals(config.group())) {
            return;
        }
        batching = true;
        try {
            replica.onConfchg(c.members(), sink);
            handleEvents();
        } finally {
            batching = false;
        }
        pump();
        if (replica.phase() == LockReplica.Phase.LEFT) {
            shutDown("this process left group " + config.group());
        }
    }

    @Override
    public void onDisconnected(String reason) {
        shutDown("CPG disconnected this process: " + reason);
    }

    // ------------------------------------------------------------------ own requests

    private void handleEvents() {
        // Events first reach the observer, then this process's own futures, whose callbacks may
        // call back into the service: the replica is done with its input by then.
        for (int i = 0; i < events.size(); i++) {
            LockEvent e = events.get(i);
            if (observer != null) {
                observer.accept(e);
            }
            if (e.request().node() == node && e.request().pid() == pid) {
                own(e);
            }
        }
        events.clear();
    }

    private void own(LockEvent e) {
        long seq = e.request().seq();
        if (e instanceof LockEvent.Granted g) {
            Pending p = pending.remove(seq);
            Lease lease = new Lease(this, g.name(), p != null ? p.nameBytes : null, g.request(), g.fence());
            leases.put(seq, lease);
            if (p == null || p.cancelled) {
                lease.release();  // cancelled while on its way: give it back
            } else if (p.tryOnly) {
                p.tried.complete(Optional.of(lease));
            } else {
                p.granted.complete(lease);
            }
        } else if (e instanceof LockEvent.Denied d) {
            Pending p = pending.remove(seq);
            if (p != null && p.tryOnly && !d.why().startsWith("the lock table is full")) {
                p.tried.complete(Optional.empty());
            } else if (p != null) {
                p.fail(new LockException(d.name() + ": " + d.why()));
            }
        } else if (e instanceof LockEvent.Released r) {
            Lease l = leases.remove(seq);
            if (l != null && r.cause() != LockEvent.Cause.RELEASED) {
                l.lose(r.cause());
            }
        } else if (e instanceof LockEvent.Cancelled c) {
            Pending p = pending.remove(seq);
            if (p != null) {
                p.fail(new LockException(c.name() + ": request " + c.request() + " taken out of the queue ("
                        + c.cause().name().toLowerCase() + ")", c.cause()));
            }
        } else if (e instanceof LockEvent.Dropped d) {
            resend.add(d.message());
        }
    }

    private void enqueue(LockMessage m, Guarantee g, long seq) {
        boolean request = m instanceof LockMessage.Acquire || m instanceof LockMessage.Release;
        outbox.add(new Outgoing(LockCodec.encode(m), g, seq, request));
    }

    private void flushOutsideCallbacks() {
        if (!batching) {
            flush();
        }
    }

    /**
     * Hands the outbox to CPG in order: each run of requests of one guarantee as batches of up
     * to {@code batchBytesMax}, anything else alone; stops at TRY_AGAIN (the rest waits).
     */
    private void flush() {
        while (!outbox.isEmpty() && !closed) {
            Outgoing head = outbox.peek();
            int count = 1;
            byte[] bytes = head.bytes();
            if (head.request()) {
                batch.clear();
                int size = LockCodec.BATCH_HEADER_BYTES;
                for (Outgoing o : outbox) {
                    int more = LockCodec.batchedBytes(o.bytes());
                    if (!o.request() || o.guarantee() != head.guarantee() || batch.size() == LockCodec.BATCH_REQUESTS_MAX
                            || (!batch.isEmpty() && size + more > config.batchBytesMax())) {
                        break;
                    }
                    batch.add(o.bytes());
                    size += more;
                }
                count = batch.size();
                if (count > 1) {
                    bytes = LockCodec.batch(batch);
                }
                batch.clear();
            }
            CpgResult r = handle.mcast(config.group(), bytes, head.guarantee());
            if (r.error() == CpgError.TRY_AGAIN) {
                tryAgains++;
                return;
            }
            for (int i = 0; i < count; i++) {
                Outgoing o = outbox.poll();
                if (!r.ok() && o.seq() != 0) {
                    Pending p = pending.remove(o.seq());
                    if (p != null) {
                        p.fail(new LockException("CPG refused the request: " + r));
                    }
                }
            }
        }
    }
}
