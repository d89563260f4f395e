package dev.totem.locks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * One replica's lock table: for each lock name, the request that holds it and the requests
 * waiting for it, first come first served; and the last fencing token handed out. A pure state
 * machine: every replica that applies the same operations in the same order holds the same table
 * and emits the same {@link LockEvent}s. No clock, no I/O, not thread-safe.
 *
 * <p>The table holds at most {@code requestsMax} requests (holders and waiters): an acquire
 * beyond that is denied, alike at every replica, so a table always fits in one snapshot message.
 *
 * <p>Not final only so that tests can plant a bug in a table and watch the checkers catch it.
 */
public class LockTable {
    /**
     * Locks by the UTF-8 of their names, so that a delivered request finds its lock in one lookup
     * without a {@code String}. A hash table, not a sorted one: the rare walks that must go in
     * name order (confchgs, syncs, snapshots) sort the locks first ({@link #byName}). A lock that
     * falls idle (no holder, no waiter) stays, as a busy table acquires the same locks again and
     * again: up to {@code requestsMax} idle locks, past which they all go ({@link #dropIfIdle}).
     * Idle locks are not part of the table's value: every walk skips them.
     */
    private final LockIndex locks = new LockIndex();
    private final int requestsMax;
    private long fence;
    private int requests;
    /** Idle locks in {@link #locks}. */
    private int idle;

    /** One lock: its name, its holder and waiters, or neither (idle). */
    static final class Lock {
        final byte[] nameBytes;
        final int hash;
        /** The name's length and first 16 bytes ({@link LockIndex#word}), compared without loading {@link #nameBytes}. */
        final int nameLength;
        final long nameWord0;
        final long nameWord1;
        /** The name as a String, decoded when an event or a walk first needs it. */
        private String name;
        /** The holder's process ({@link RequestId#process()}) and number; number 0: no holder. */
        long holderProcess;
        long holderSeq;
        long holderFence;
        /** Null until the first waiter: most locks of a busy table never have one, and a null costs no memory load. */
        ArrayDeque<RequestId> waiters;

        Lock(byte[] nameBytes, int hash, String name) {
            this.nameBytes = nameBytes;
            this.hash = hash;
            this.nameLength = nameBytes.length;
            this.nameWord0 = LockIndex.word(nameBytes, 0, nameBytes.length, 0);
            this.nameWord1 = LockIndex.word(nameBytes, 0, nameBytes.length, 8);
            this.name = name;
        }

        String name() {
            if (name == null) {
                name = new String(nameBytes, StandardCharsets.UTF_8);
            }
            return name;
        }

        boolean held() {
            return holderSeq != 0;
        }

        /** The holder, or null. */
        RequestId holder() {
            return held() ? RequestId.of(holderProcess, holderSeq) : null;
        }

        boolean has(long process, long seq) {
            return heldBy(process, seq) || (waiting() && waiters.contains(RequestId.of(process, seq)));
        }

        boolean heldBy(long process, long seq) {
            return holderSeq == seq && holderProcess == process;
        }

        void hold(long process, long seq, long grantFence) {
            holderProcess = process;
            holderSeq = seq;
            holderFence = grantFence;
        }

        void free() {
            holderProcess = 0;
            holderSeq = 0;
            holderFence = 0;
        }

        boolean idle() {
            return !held() && !waiting();
        }

        boolean waiting() {
            return waiters != null && !waiters.isEmpty();
        }

        /** The waiters, first in line first, to read. */
        Collection<RequestId> queue() {
            return waiters == null ? List.of() : waiters;
        }

        ArrayDeque<RequestId> queueForAdd() {
            if (waiters == null) {
                waiters = new ArrayDeque<>(2);
            }
            return waiters;
        }

        RequestId pollWaiter() {
            return waiters == null ? null : waiters.poll();
        }
    }

    /** @param requestsMax the most requests (holders and waiters) the table holds */
    public LockTable(int requestsMax) {
        if (requestsMax < 1) {
            throw new IllegalArgumentException("requestsMax must be positive, got " + requestsMax);
        }
        this.requestsMax = requestsMax;
    }

    /** The most requests the table holds. */
    public int requestsMax() {
        return requestsMax;
    }

    /** Requests in the table, holders and waiters. */
    public int requests() {
        return requests;
    }

    /** The last fencing token handed out (0 before the first grant). */
    public long fence() {
        return fence;
    }

    /** The request holding {@code name}, or null. */
    public RequestId holder(String name) {
        Lock l = find(name);
        return l == null ? null : l.holder();
    }

    /** The requests waiting for {@code name}, first in line first. */
    public List<RequestId> waiters(String name) {
        Lock l = find(name);
        return l == null ? List.of() : List.copyOf(l.queue());
    }

    /**
     * Applies a request: grants a free lock at once, queues behind its holder otherwise (or
     * denies a try). A request already in the table is ignored.
     */
    public void acquire(String name, RequestId request, boolean tryOnly, Consumer<LockEvent> out) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        acquire(bytes, 0, bytes.length, name, request.process(), request.seq(), tryOnly, LockEventSink.of(out));
    }

    /**
     * {@link #acquire(String, RequestId, boolean, Consumer)} of the lock whose name's UTF-8 is
     * {@code length} bytes of {@code name} from {@code offset} (well-formed: the caller checked
     * it), by request {@code seq} of {@code process} ({@link RequestId#process()}): the form a
     * replica applies delivered requests in, without a String or a {@link RequestId}.
     */
    public void acquire(byte[] name, int offset, int length, long process, long seq, boolean tryOnly, LockEventSink out) {
        acquire(name, offset, length, null, process, seq, tryOnly, out);
    }

    private void acquire(byte[] bytes, int offset, int length, String name, long process, long seq, boolean tryOnly,
            LockEventSink out) {
        int hash = LockIndex.hash(bytes, offset, length);
        Lock l = locks.get(bytes, offset, length, hash);
        if (l != null && l.has(process, seq)) {
            return;
        }
        if (l != null && l.held() && tryOnly) {
            if (out.wants(process)) {
                out.accept(new LockEvent.Denied(l.name(), RequestId.of(process, seq), "held by " + l.holder()));
            }
            return;
        }
        if (requests >= requestsMax) {
            if (out.wants(process)) {
                String n = l != null ? l.name() : name != null ? name : new String(bytes, offset, length, StandardCharsets.UTF_8);
                out.accept(new LockEvent.Denied(n, RequestId.of(process, seq),
                        "the lock table is full (" + requestsMax + " requests)"));
            }
            return;
        }
        if (l == null) {
            l = new Lock(Arrays.copyOfRange(bytes, offset, offset + length), hash, name);
            locks.add(l);
        } else if (l.idle()) {
            idle--;
        }
        requests++;
        if (l.idle()) {
            grant(l, process, seq, out);
        } else {
            RequestId r = RequestId.of(process, seq);
            l.queueForAdd().add(r);
            if (out.wants(process)) {
                out.accept(new LockEvent.Queued(l.name(), r, l.waiters.size() - 1));
            }
        }
    }

    /**
     * Applies a release: the holder gives the lock to the first waiter, a waiter leaves the queue.
     * A request not in the table (released already, or revoked) is ignored.
     *
     * @return whether the request was in the table
     */
    public boolean release(String name, RequestId request, Consumer<LockEvent> out) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return release(bytes, 0, bytes.length, request.process(), request.seq(), LockEventSink.of(out));
    }

    /**
     * {@link #release(String, RequestId, Consumer)} of the lock whose name's UTF-8 is {@code length}
     * bytes of {@code name} from {@code offset}, by request {@code seq} of {@code process}: see
     * {@link #acquire(byte[], int, int, long, long, boolean, LockEventSink)}.
     *
     * @return whether the request was in the table
     */
    public boolean release(byte[] name, int offset, int length, long process, long seq, LockEventSink out) {
        Lock l = locks.get(name, offset, length, LockIndex.hash(name, offset, length));
        if (l == null) {
            return false;
        }
        if (l.heldBy(process, seq)) {
            l.free();
            requests--;
            if (out.wants(process)) {
                out.accept(new LockEvent.Released(l.name(), RequestId.of(process, seq), LockEvent.Cause.RELEASED));
            }
            RequestId next = l.pollWaiter();
            if (next != null) {
                grant(l, next.process(), next.seq(), out);
            }
        } else if (l.waiting() && l.waiters.remove(RequestId.of(process, seq))) {
            requests--;
            if (out.wants(process)) {
                out.accept(new LockEvent.Cancelled(l.name(), RequestId.of(process, seq), LockEvent.Cause.RELEASED));
            }
        } else {
            return false;
        }
        dropIfIdle(l);
        return true;
    }

    /**
     * Takes out every request of a process that is not a member any more ({@code member} says no
     * for its {@link RequestId#process()}), holders first-to-last by lock name, then waiters.
     * Does not grant the locks it frees: {@link #grantWaiting} does, once the group agrees.
     */
    public void removeAbsent(LongPredicate member, Consumer<LockEvent> out) {
        for (Lock l : byName()) {
            if (l.held() && !member.test(l.holderProcess)) {
                out.accept(new LockEvent.Released(l.name(), l.holder(), LockEvent.Cause.LEFT));
                l.free();
                requests--;
            }
            for (var it = l.queue().iterator(); it.hasNext();) {
                RequestId w = it.next();
                if (!member.test(w.process())) {
                    it.remove();
                    requests--;
                    out.accept(new LockEvent.Cancelled(l.name(), w, LockEvent.Cause.LEFT));
                }
            }
        }
        // A confchg is rare: the locks it freed and the idle ones go.
        locks.removeIf(Lock::idle);
        idle = 0;
    }

    /** Grants every lock that has no holder to its first waiter, by lock name. */
    public void grantWaiting(Consumer<LockEvent> out) {
        LockEventSink sink = LockEventSink.of(out);
        for (Lock l : byName()) {
            if (!l.held() && l.waiting()) {
                RequestId next = l.pollWaiter();
                grant(l, next.process(), next.seq(), sink);
            }
        }
    }

    private void grant(Lock l, long process, long seq, LockEventSink out) {
        l.hold(process, seq, ++fence);
        if (out.wants(process)) {
            out.accept(new LockEvent.Granted(l.name(), RequestId.of(process, seq), fence));
        }
    }

    /** Counts {@code l} if it fell idle; past {@code requestsMax} idle locks, drops them all. */
    private void dropIfIdle(Lock l) {
        if (l.idle() && ++idle > requestsMax) {
            locks.removeIf(Lock::idle);
            idle = 0;
        }
    }

    /** The lock named {@code name}, or null. */
    private Lock find(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return locks.get(bytes, 0, bytes.length, LockIndex.hash(bytes, 0, bytes.length));
    }

    /** The lock named {@code name}, made (idle) if there is none. */
    private Lock findOrAdd(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int hash = LockIndex.hash(bytes, 0, bytes.length);
        Lock l = locks.get(bytes, 0, bytes.length, hash);
        if (l == null) {
            l = new Lock(bytes, hash, name);
            locks.add(l);
        }
        return l;
    }

    /** The table as values, for a snapshot. */
    public LockMessage.Image image() {
        List<LockMessage.LockImage> out = new ArrayList<>(locks.size());
        for (Lock l : byName()) {
            out.add(new LockMessage.LockImage(l.name(), l.holder(), l.holderFence, List.copyOf(l.queue())));
        }
        return new LockMessage.Image(fence, out);
    }

    /**
     * Fills this empty table with the merge of several replicas' tables, the deterministic rule
     * that makes the group agree again after a configuration change.
     *
     * <ol>
     *   <li>{@code sides} come in order of precedence (the caller puts the table most members
     *       share first). Requests of processes that are not members are left out.</li>
     *   <li>Holders: each lock goes to the holder of the first side that has one; holders of the
     *       same lock in later sides are revoked (left out, not queued).</li>
     *   <li>Waiters: each side's queue is appended in order, sides in order of precedence; a
     *       request already placed is not placed twice.</li>
     *   <li>The fencing counter is the largest of the sides, so later grants exceed every token
     *       any side handed out.</li>
     *   <li>Requests beyond {@code requestsMax} are left out, in that order (trimmed).</li>
     * </ol>
     * Free locks with waiters are not granted here: {@link #grantWaiting} does.
     */
    public void mergeFrom(List<LockMessage.Image> sides, LongPredicate member) {
        if (locks.size() != 0 || requests != 0) {
            throw new IllegalStateException("merge into a table that is not empty");
        }
        Set<RequestId> placed = new HashSet<>();
        for (LockMessage.Image side : sides) {
            fence = Math.max(fence, side.fence());
            for (LockMessage.LockImage li : side.locks()) {
                RequestId h = li.holder();
                if (h == null || !member.test(h.process()) || requests >= requestsMax) {
                    continue;
                }
                Lock l = findOrAdd(li.name());
                if (!l.held() && placed.add(h)) {
                    l.hold(h.process(), h.seq(), li.holderFence());
                    requests++;
                } else {
                    placed.add(h);  // revoked: never queued again either
                }
            }
        }
        for (LockMessage.Image side : sides) {
            for (LockMessage.LockImage li : side.locks()) {
                for (RequestId w : li.waiters()) {
                    if (member.test(w.process()) && requests < requestsMax && placed.add(w)) {
                        findOrAdd(li.name()).queueForAdd().add(w);
                        requests++;
                    }
                }
            }
        }
        locks.removeIf(Lock::idle);
    }

    /**
     * The events that turn {@code before} into this table, as if each replica had applied them:
     * first every request that lost its place (holders {@link LockEvent.Cause#REVOKED}, waiters
     * {@link LockEvent.Cause#TRIMMED}), then every new holder and new waiter, by lock name.
     */
    public void diffFrom(LockTable before, Consumer<LockEvent> out) {
        Map<RequestId, String> holdersAfter = new HashMap<>();
        Set<RequestId> waitersAfter = new HashSet<>();
        locks.forEach(l -> {
            if (l.held()) {
                holdersAfter.put(l.holder(), l.name());
            }
            waitersAfter.addAll(l.queue());
        });
        Set<RequestId> holdersBefore = new HashSet<>();
        Set<RequestId> waitersBefore = new HashSet<>();
        for (Lock l : before.byName()) {
            RequestId holder = l.holder();
            if (holder != null) {
                holdersBefore.add(holder);
                if (!l.name().equals(holdersAfter.get(holder))) {
                    out.accept(new LockEvent.Released(l.name(), holder, LockEvent.Cause.REVOKED));
                }
            }
            for (RequestId w : l.queue()) {
                waitersBefore.add(w);
                if (!waitersAfter.contains(w) && !holdersAfter.containsKey(w)) {
                    out.accept(new LockEvent.Cancelled(l.name(), w, LockEvent.Cause.TRIMMED));
                }
            }
        }
        for (Lock l : byName()) {
            RequestId holder = l.holder();
            if (holder != null && !holdersBefore.contains(holder)) {
                out.accept(new LockEvent.Granted(l.name(), holder, l.holderFence));
            }
            int position = 0;
            for (RequestId w : l.queue()) {
                if (!waitersBefore.contains(w)) {
                    out.accept(new LockEvent.Queued(l.name(), w, position));
                }
                position++;
            }
        }
    }

    /** A 64-bit fingerprint of the table (FNV-1a over its snapshot encoding): replicas that agree have equal digests. */
    public long digest() {
        byte[] bytes = LockCodec.encode(new LockMessage.Snapshot(0, false, image()));
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("LockTable[fence=" + fence);
        for (Lock l : byName()) {
            b.append(", ").append(l.name()).append('=').append(l.holder()).append(l.queue());
        }
        return b.append(']').toString();
    }

    /** Lock names in the table, ascending (for tests and tools). */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (Lock l : byName()) {
            names.add(l.name());
        }
        return List.copyOf(names);
    }

    /** The locks that are not idle, in ascending name order: the order every walk that emits events or bytes takes. */
    private List<Lock> byName() {
        List<Lock> sorted = new ArrayList<>(locks.size() - idle);
        locks.forEach(l -> {
            if (!l.idle()) {
                sorted.add(l);
            }
        });
        sorted.sort(Comparator.comparing(Lock::name));
        return sorted;
    }
}
