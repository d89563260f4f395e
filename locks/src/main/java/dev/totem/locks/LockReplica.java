package dev.totem.locks;

import dev.totem.cpg.CpgAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p><b>At every confchg</b> the group synchronises (see the README for why every one):
 * <ol>
 *   <li>Each member takes out the requests of processes that are no longer members (their locks
 *       are released now, {@link LockEvent.Cause#LEFT}) but grants nothing yet; requests it held
 *       back from an unfinished sync are dropped ({@link LockEvent.Dropped}: members of one view
 *       held back the same ones, so all drop alike, and the senders send them again).</li>
 *   <li>The leader, the member lowest by (node, pid), multicasts {@link LockMessage.SyncStart}
 *       with a fresh round number.</li>
 *   <li>Each member answers the first SyncStart of its leader delivered in this view with a
 *       {@link LockMessage.Snapshot} of its table. Because a member answers on delivery and its
 *       table does not move while it syncs, every snapshot of the round is its sender's table as
 *       of this confchg, however late CPG carries it; snapshots of other rounds are ignored.</li>
 *   <li>Requests delivered meanwhile are held back, in order.</li>
 *   <li>At the delivery of the last member's snapshot (the same point of the order at every
 *       member) each member replaces its table by the merge of the snapshots
 *       ({@link LockTable#mergeFrom}; the table most members share takes precedence), reports the
 *       difference, grants free locks to their first waiters, and applies the held requests.</li>
 * </ol>
 * A confchg during a sync starts it over.
 */
public final class LockReplica {
    /** Where the replica stands. */
    public enum Phase {
        /** No confchg yet: the process's join is not complete. */
        NOT_JOINED,
        /** A confchg came; the members exchange snapshots. */
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
    private boolean roundOpen;
    private long round;
    private final TreeMap<Long, LockMessage.Image> snapshots = new TreeMap<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long syncs;
    private long ignored;

    /**
     * @param node this process's node id
     * @param pid this process's pid
     * @param config the limits
     * @param tables makes empty tables of {@code config.requestsMax()} requests
     * @param rounds numbers for the sync rounds this replica leads; they must not repeat
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
        dropHeld(out);
        table.removeAbsent(members::contains, out);
        phase = Phase.SYNCING;
        roundOpen = false;
        snapshots.clear();
        if (members.first() == self) {
            send.accept(new LockMessage.SyncStart(rounds.getAsLong()));
        }
    }

    /** A message of the group from process (node, pid), in the group's total order. */
    public void onDeliver(int node, int pid, LockMessage m, Consumer<LockEvent> out) {
        long sender = RequestId.process(node, pid);
        if (phase == Phase.NOT_JOINED || phase == Phase.LEFT || !members.contains(sender)) {
            ignored++;
            return;
        }
        if (m instanceof LockMessage.SyncStart s) {
            if (phase == Phase.SYNCING && !roundOpen && sender == members.first()) {
                roundOpen = true;
                round = s.round();
                send.accept(new LockMessage.Snapshot(round, table.image()));
            } else {
                ignored++;
            }
        } else if (m instanceof LockMessage.Snapshot s) {
            if (phase == Phase.SYNCING && roundOpen && s.round() == round) {
                snapshots.putIfAbsent(sender, s.table());
                if (snapshots.size() == members.size()) {
                    finishSync(out);
                }
            } else {
                ignored++;
            }
        } else if (phase == Phase.SYNCING) {
            if (held.size() >= config.bufferedMax()) {
                out.accept(new LockEvent.Dropped(request(node, pid, m), m));
            } else {
                held.add(new Held(node, pid, m));
            }
        } else {
            apply(node, pid, m, out);
        }
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
        // Members that shared a view hold equal tables: group them, the largest group first, ties
        // by its lowest member (snapshots are keyed by member, ascending).
        Map<LockMessage.Image, List<Long>> sides = new LinkedHashMap<>();
        for (Map.Entry<Long, LockMessage.Image> e : snapshots.entrySet()) {
            sides.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        }
        List<Map.Entry<LockMessage.Image, List<Long>>> order = new ArrayList<>(sides.entrySet());
        order.sort((a, b) -> a.getValue().size() != b.getValue().size()
                ? Integer.compare(b.getValue().size(), a.getValue().size())
                : Long.compare(a.getValue().get(0), b.getValue().get(0)));
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
        syncs++;
        snapshots.clear();
        roundOpen = false;
        while (!held.isEmpty()) {
            Held h = held.poll();
            apply(h.node(), h.pid(), h.message(), out);
        }
    }
}
