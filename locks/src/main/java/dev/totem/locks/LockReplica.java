package dev.totem.locks;

import dev.totem.cpg.CpgAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One process's replica of the group's lock table, driven by what CPG delivers to it: the group's
 * messages in total order and its confchgs. Pure: no clock, no I/O, no threads; what it
 * multicasts goes to a sink, what its table does to another, as {@link LockEvent}s.
 *
 * <p><b>Synchronised</b>, it applies each delivered {@link LockMessage.Acquire} and
 * {@link LockMessage.Release} to its table at once: every member applies the same messages in
 * the same order, so the tables agree and a request's fate is decided by its place in that order.
 *
 * <p><b>Sync rounds start at a delivered message, not at a confchg.</b> CPG delivers a confchg
 * at the same point to the members that shared the previous view, but not always to every
 * member of the new one: after a ring change one member may get a confchg ({@code NODEUP}) where
 * the others, whose member list did not change, get none. So (see the README):
 * <ol>
 *   <li>At a confchg a member takes out the requests of processes that are no longer members
 *       (their locks are released now, {@link LockEvent.Cause#LEFT}), marks its table
 *       <em>stale</em> (it may have missed what the others applied), leaves any open round,
 *       holds back the requests delivered from then on, and multicasts
 *       {@link LockMessage.SyncRequest}.</li>
 *   <li>The delivery of a SyncRequest (the same point of the order at every member) opens a
 *       round, whether a round is open or not: each member drops the requests it held back
 *       ({@link LockEvent.Dropped}: their senders send them again) and answers at once with a
 *       {@link LockMessage.Snapshot} of its table, saying whether the table is stale.</li>
 *   <li>Requests delivered meanwhile are held back, in order.</li>
 *   <li>At the delivery of the last member's snapshot of the round each member replaces its
 *       table by the merge of the snapshots ({@link LockTable#mergeFrom}: tables that are not
 *       stale first, then the table most members share), reports the difference, grants free
 *       locks to their first waiters, and applies the held requests.</li>
 * </ol>
 */
public final class LockReplica {
    /** Where the replica stands. */
    public enum Phase {
        /** No confchg yet: the process's join is not complete. */
        NOT_JOINED,
        /** A confchg came; the replica holds requests back until a sync round opens. */
        AWAITING_SYNC,
        /** A sync round is open: the members exchange snapshots. */
        SYNCING,
        /** The members agree; requests apply as they are delivered. */
        SYNCED,
        /** The process is no longer a member. */
        LEFT
    }

    private record Held(int node, int pid, LockMessage message) {}

    private final long self;
    private final LockConfig config;
    private final Supplier<LockTable> tables;
    private final LongSupplier rounds;
    private final Consumer<LockMessage> send;
    private LockTable table;
    private Phase phase = Phase.NOT_JOINED;
    private final TreeSet<Long> members = new TreeSet<>();
    /** A confchg came since the last completed sync: the table may lack what others applied. */
    private boolean stale;
    private long round;
    private long sinceRound;
    private final TreeMap<Long, LockMessage.Snapshot> snapshots = new TreeMap<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long syncs;
    private long ignored;

    /**
     * @param node this process's node id
     * @param pid this process's pid
     * @param config the limits
     * @param tables makes empty tables of {@code config.requestsMax()} requests
     * @param rounds numbers for the sync rounds this replica requests; they must not repeat
     * @param send multicasts a message of this replica to the group (agreed order is enough)
     */
    public LockReplica(int node, int pid, LockConfig config, Supplier<LockTable> tables, LongSupplier rounds,
            Consumer<LockMessage> send) {
        this.self = RequestId.process(node, pid);
        this.config = config;
        this.tables = tables;
        this.rounds = rounds;
        this.send = send;
        this.table = tables.get();
    }

    /** The replica's table (read it, do not change it). */
    public LockTable table() {
        return table;
    }

    /** Where the replica stands. */
    public Phase phase() {
        return phase;
    }

    /** Whether process (node, pid) is a member of the replica's current view. */
    public boolean member(int node, int pid) {
        return members.contains(RequestId.process(node, pid));
    }

    /** The last sync round opened here (0 before any): members that delivered its request share it. */
    public long round() {
        return round;
    }

    /**
     * Lock messages delivered since the last round opened: with {@link #round()}, a point of the
     * total order every member that delivered the round's request names alike.
     */
    public long deliveredSinceRound() {
        return sinceRound;
    }

    /** Syncs completed. */
    public long syncs() {
        return syncs;
    }

    /** Messages ignored: stale sync messages, requests delivered before the join completed or after the leave. */
    public long ignored() {
        return ignored;
    }

    /** The group's membership changed: {@code members} are the members after the change. */
    public void onConfchg(List<CpgAddress> newMembers, Consumer<LockEvent> out) {
        if (phase == Phase.LEFT) {
            return;
        }
        members.clear();
        for (CpgAddress a : newMembers) {
            members.add(RequestId.process(a.nodeId(), a.pid()));
        }
        if (!members.contains(self)) {
            phase = Phase.LEFT;
            held.clear();
            snapshots.clear();
            return;
        }
        table.removeAbsent(members::contains, out);
        stale = true;
        // An open round is left: its snapshots came from the old member list, and the round's
        // end would no longer be at the same point for all (a member without this confchg may
        // still complete it; its table is then fresh and comes first at the next round).
        phase = Phase.AWAITING_SYNC;
        snapshots.clear();
        send.accept(new LockMessage.SyncRequest(rounds.getAsLong()));
    }

    /**
     * A message of the group from process (node, pid), in the group's total order; a
     * {@link LockMessage.Batch} is its requests delivered one after the other.
     */
    public void onDeliver(int node, int pid, LockMessage m, Consumer<LockEvent> out) {
        long sender = RequestId.process(node, pid);
        if (phase == Phase.NOT_JOINED || phase == Phase.LEFT || !members.contains(sender)) {
            ignored += m instanceof LockMessage.Batch b ? b.requests().size() : 1;
            return;
        }
        if (m instanceof LockMessage.Batch b) {
            // A request changes neither the phase nor the members: the checks above hold for all.
            for (LockMessage r : b.requests()) {
                request(node, pid, r, out);
            }
        } else if (m instanceof LockMessage.SyncRequest s) {
            sinceRound++;
            openRound(s.round(), out);
        } else if (m instanceof LockMessage.Snapshot s) {
            sinceRound++;
            if (phase == Phase.SYNCING && s.round() == round) {
                snapshots.putIfAbsent(sender, s);
                if (snapshots.keySet().containsAll(members)) {
                    finishSync(out);
                }
            } else {
                ignored++;
            }
        } else {
            request(node, pid, m, out);
        }
    }

    /**
     * A request message from process (node, pid), in the group's total order, read where it was
     * delivered ({@code requests} checked and not read yet): as {@link #onDeliver} of the
     * {@link LockMessage} it encodes, without making one when the replica is synchronised.
     */
    public void onRequests(int node, int pid, LockCodec.Requests requests, LockEventSink out) {
        long sender = RequestId.process(node, pid);
        if (phase == Phase.NOT_JOINED || phase == Phase.LEFT || !members.contains(sender)) {
            ignored += requests.count();
            return;
        }
        while (requests.next()) {
            if (phase != Phase.SYNCED) {
                request(node, pid, requests.message(), out);
                continue;
            }
            sinceRound++;
            byte[] b = requests.bytes();
            if (requests.acquire()) {
                table.acquire(b, requests.nameOffset(), requests.nameLength(), sender, requests.seq(), requests.tryOnly(), out);
            } else if (!table.release(b, requests.nameOffset(), requests.nameLength(), sender, requests.seq(), out)) {
                ignored++;
            }
        }
    }

    /** An acquire or release of a member: applied when synchronised, else held back (or dropped past the bound). */
    private void request(int node, int pid, LockMessage m, Consumer<LockEvent> out) {
        sinceRound++;
        if (phase != Phase.SYNCED) {
            if (held.size() >= config.bufferedMax()) {
                out.accept(new LockEvent.Dropped(request(node, pid, m), m));
            } else {
                held.add(new Held(node, pid, m));
            }
        } else {
            apply(node, pid, m, out);
        }
    }

    private void openRound(long id, Consumer<LockEvent> out) {
        // Every member drops what it held back, so none applies a request another dropped; a
        // member that was synchronised meanwhile applied them and holds none.
        dropHeld(out);
        phase = Phase.SYNCING;
        round = id;
        sinceRound = 0;
        snapshots.clear();
        send.accept(new LockMessage.Snapshot(round, stale, table.image()));
    }

    private void apply(int node, int pid, LockMessage m, Consumer<LockEvent> out) {
        if (m instanceof LockMessage.Acquire a) {
            table.acquire(a.name(), new RequestId(node, pid, a.seq()), a.tryOnly(), out);
        } else if (m instanceof LockMessage.Release r) {
            if (!table.release(r.name(), new RequestId(node, pid, r.seq()), out)) {
                ignored++;
            }
        }
    }

    private static RequestId request(int node, int pid, LockMessage m) {
        long seq = m instanceof LockMessage.Acquire a ? a.seq() : ((LockMessage.Release) m).seq();
        return new RequestId(node, pid, seq);
    }

    private void dropHeld(Consumer<LockEvent> out) {
        for (Held h : held) {
            out.accept(new LockEvent.Dropped(request(h.node(), h.pid(), h.message()), h.message()));
        }
        held.clear();
    }

    private void finishSync(Consumer<LockEvent> out) {
        // Members that shared a view hold equal tables: group them; fresh tables (no confchg
        // since their last sync: they applied everything delivered) before stale ones, then the
        // largest group first, ties by its lowest member (snapshots are keyed by member, ascending).
        Map<LockMessage.Image, List<Long>> sides = new LinkedHashMap<>();
        Map<LockMessage.Image, Boolean> fresh = new HashMap<>();
        for (Map.Entry<Long, LockMessage.Snapshot> e : snapshots.entrySet()) {
            if (!members.contains(e.getKey())) {
                continue;
            }
            LockMessage.Image image = e.getValue().table();
            sides.computeIfAbsent(image, k -> new ArrayList<>()).add(e.getKey());
            fresh.merge(image, !e.getValue().stale(), Boolean::logicalOr);
        }
        List<Map.Entry<LockMessage.Image, List<Long>>> order = new ArrayList<>(sides.entrySet());
        order.sort(Comparator.comparing((Map.Entry<LockMessage.Image, List<Long>> e) -> !fresh.get(e.getKey()))
                .thenComparing(e -> -e.getValue().size())
                .thenComparing(e -> e.getValue().get(0)));
        List<LockMessage.Image> images = new ArrayList<>(order.size());
        for (Map.Entry<LockMessage.Image, List<Long>> e : order) {
            images.add(e.getKey());
        }
        LockTable merged = tables.get();
        merged.mergeFrom(images, members::contains);
        merged.diffFrom(table, out);
        table = merged;
        table.grantWaiting(out);
        phase = Phase.SYNCED;
        stale = false;
        syncs++;
        snapshots.clear();
        while (!held.isEmpty()) {
            Held h = held.poll();
            if (members.contains(RequestId.process(h.node(), h.pid()))) {
                apply(h.node(), h.pid(), h.message(), out);
            }
        }
    }
}
