package dev.totem.locks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
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
     * Locks by name. A hash map, not a sorted one: the rare walks that must go in name order
     * (confchgs, syncs, snapshots) sort the names first ({@link #byName}). A lock that falls idle
     * (no holder, no waiter) stays, as a busy table acquires the same locks again and again:
     * up to {@code requestsMax} idle locks, past which they all go ({@link #dropIfIdle}). Idle
     * locks are not part of the table's value: every walk skips them.
     */
    private final HashMap<String, Lock> locks = new HashMap<>();
    private final int requestsMax;
    private long fence;
    private int requests;
    /** Idle locks in {@link #locks}. */
    private int idle;

    /** One lock: its holder and waiters, or neither (idle). */
    private static final class Lock {
        RequestId holder;
        long holderFence;
        /** Null until the first waiter: most locks of a busy table never have one, and a null costs no memory load. */
        ArrayDeque<RequestId> waiters;

        /** The holder's process and number, beside {@link #holder}: a release compares them without loading it. */
        long holderProcess;
        long holderSeq;

        boolean has(RequestId r) {
            return heldBy(r) || (waiters != null && waiters.contains(r));
        }

        boolean heldBy(RequestId r) {
            return holder != null && holderSeq == r.seq() && holderProcess == r.process();
        }

        void hold(RequestId r) {
            holder = r;
            holderProcess = r.process();
            holderSeq = r.seq();
        }

        boolean idle() {
            return holder == null && !waiting();
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
        Lock l = locks.get(name);
        return l == null ? null : l.holder;
    }

    /** The requests waiting for {@code name}, first in line first. */
    public List<RequestId> waiters(String name) {
        Lock l = locks.get(name);
        return l == null ? List.of() : List.copyOf(l.queue());
    }

    /**
     * Applies a request: grants a free lock at once, queues behind its holder otherwise (or
     * denies a try). A request already in the table is ignored.
     */
    public void acquire(String name, RequestId request, boolean tryOnly, Consumer<LockEvent> out) {
        Lock l = locks.get(name);
        if (l != null && l.has(request)) {
            return;
        }
        if (l != null && l.holder != null && tryOnly) {
            out.accept(new LockEvent.Denied(name, request, "held by " + l.holder));
            return;
        }
        if (requests >= requestsMax) {
            out.accept(new LockEvent.Denied(name, request, "the lock table is full (" + requestsMax + " requests)"));
            return;
        }
        if (l == null) {
            l = new Lock();
            locks.put(name, l);
        } else if (l.idle()) {
            idle--;
        }
        requests++;
        if (l.holder == null && !l.waiting()) {
            grant(name, l, request, out);
        } else {
            l.queueForAdd().add(request);
            out.accept(new LockEvent.Queued(name, request, l.waiters.size() - 1));
        }
    }

    /**
     * Applies a release: the holder gives the lock to the first waiter, a waiter leaves the queue.
     * A request not in the table (released already, or revoked) is ignored.
     *
     * @return whether the request was in the table
     */
    public boolean release(String name, RequestId request, Consumer<LockEvent> out) {
        Lock l = locks.get(name);
        if (l == null) {
            return false;
        }
        if (l.heldBy(request)) {
            l.holder = null;
            l.holderFence = 0;
            requests--;
            out.accept(new LockEvent.Released(name, request, LockEvent.Cause.RELEASED));
            RequestId next = l.pollWaiter();
            if (next != null) {
                grant(name, l, next, out);
            }
        } else if (l.waiters != null && l.waiters.remove(request)) {
            requests--;
            out.accept(new LockEvent.Cancelled(name, request, LockEvent.Cause.RELEASED));
        } else {
            return false;
        }
        dropIfIdle(name, l);
        return true;
    }

    /**
     * Takes out every request of a process that is not a member any more ({@code member} says no
     * for its {@link RequestId#process()}), holders first-to-last by lock name, then waiters.
     * Does not grant the locks it frees: {@link #grantWaiting} does, once the group agrees.
     */
    public void removeAbsent(LongPredicate member, Consumer<LockEvent> out) {
        for (Map.Entry<String, Lock> e : byName()) {
            Lock l = e.getValue();
            if (l.holder != null && !member.test(l.holder.process())) {
                out.accept(new LockEvent.Released(e.getKey(), l.holder, LockEvent.Cause.LEFT));
                l.holder = null;
                l.holderFence = 0;
                requests--;
            }
            for (var it = l.queue().iterator(); it.hasNext();) {
                RequestId w = it.next();
                if (!member.test(w.process())) {
                    it.remove();
                    requests--;
                    out.accept(new LockEvent.Cancelled(e.getKey(), w, LockEvent.Cause.LEFT));
                }
            }
        }
        // A confchg is rare: the locks it freed and the idle ones go.
        locks.values().removeIf(Lock::idle);
        idle = 0;
    }

    /** Grants every lock that has no holder to its first waiter, by lock name. */
    public void grantWaiting(Consumer<LockEvent> out) {
        for (Map.Entry<String, Lock> e : byName()) {
            Lock l = e.getValue();
            if (l.holder == null && l.waiting()) {
                grant(e.getKey(), l, l.pollWaiter(), out);
            }
        }
    }

    private void grant(String name, Lock l, RequestId r, Consumer<LockEvent> out) {
        l.hold(r);
        l.holderFence = ++fence;
        out.accept(new LockEvent.Granted(name, r, l.holderFence));
    }

    /** Counts {@code l} if it fell idle; past {@code requestsMax} idle locks, drops them all. */
    private void dropIfIdle(String name, Lock l) {
        if (l.idle() && ++idle > requestsMax) {
            locks.values().removeIf(Lock::idle);
            idle = 0;
        }
    }

    /** The table as values, for a snapshot. */
    public LockMessage.Image image() {
        List<LockMessage.LockImage> out = new ArrayList<>(locks.size());
        for (Map.Entry<String, Lock> e : byName()) {
            Lock l = e.getValue();
            out.add(new LockMessage.LockImage(e.getKey(), l.holder, l.holderFence, List.copyOf(l.queue())));
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
        if (!locks.isEmpty() || requests != 0) {
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
                Lock l = locks.computeIfAbsent(li.name(), n -> new Lock());
                if (l.holder == null && placed.add(h)) {
                    l.hold(h);
                    l.holderFence = li.holderFence();
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
                        locks.computeIfAbsent(li.name(), n -> new Lock()).queueForAdd().add(w);
                        requests++;
                    }
                }
            }
        }
        locks.values().removeIf(Lock::idle);
    }

    /**
     * The events that turn {@code before} into this table, as if each replica had applied them:
     * first every request that lost its place (holders {@link LockEvent.Cause#REVOKED}, waiters
     * {@link LockEvent.Cause#TRIMMED}), then every new holder and new waiter, by lock name.
     */
    public void diffFrom(LockTable before, Consumer<LockEvent> out) {
        Map<RequestId, String> holdersAfter = new HashMap<>();
        Set<RequestId> waitersAfter = new HashSet<>();
        for (Map.Entry<String, Lock> e : locks.entrySet()) {
            if (e.getValue().holder != null) {
                holdersAfter.put(e.getValue().holder, e.getKey());
            }
            waitersAfter.addAll(e.getValue().queue());
        }
        Set<RequestId> holdersBefore = new HashSet<>();
        Set<RequestId> waitersBefore = new HashSet<>();
        for (Map.Entry<String, Lock> e : before.byName()) {
            Lock l = e.getValue();
            if (l.holder != null) {
                holdersBefore.add(l.holder);
                if (!e.getKey().equals(holdersAfter.get(l.holder))) {
                    out.accept(new LockEvent.Released(e.getKey(), l.holder, LockEvent.Cause.REVOKED));
                }
            }
            for (RequestId w : l.queue()) {
                waitersBefore.add(w);
                if (!waitersAfter.contains(w) && !holdersAfter.containsKey(w)) {
                    out.accept(new LockEvent.Cancelled(e.getKey(), w, LockEvent.Cause.TRIMMED));
                }
            }
        }
        for (Map.Entry<String, Lock> e : byName()) {
            Lock l = e.getValue();
            if (l.holder != null && !holdersBefore.contains(l.holder)) {
                out.accept(new LockEvent.Granted(e.getKey(), l.holder, l.holderFence));
            }
            int position = 0;
            for (RequestId w : l.queue()) {
                if (!waitersBefore.contains(w)) {
                    out.accept(new LockEvent.Queued(e.getKey(), w, position));
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
        for (Map.Entry<String, Lock> e : byName()) {
            b.append(", ").append(e.getKey()).append('=').append(e.getValue().holder).append(e.getValue().queue());
        }
        return b.append(']').toString();
    }

    /** Lock names in the table, ascending (for tests and tools). */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Lock> e : byName()) {
            names.add(e.getKey());
        }
        return List.copyOf(names);
    }

    /** The locks that are not idle, in ascending name order: the order every walk that emits events or bytes takes. */
    private List<Map.Entry<String, Lock>> byName() {
        List<Map.Entry<String, Lock>> sorted = new ArrayList<>(locks.size() - idle);
        for (Map.Entry<String, Lock> e : locks.entrySet()) {
            if (!e.getValue().idle()) {
                sorted.add(e);
            }
        }
        sorted.sort(Map.Entry.comparingByKey());
        return sorted;
    }
}
