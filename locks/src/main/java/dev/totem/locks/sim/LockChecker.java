package dev.totem.locks.sim;

import dev.totem.locks.Lease;
import dev.totem.locks.LockEvent;
import dev.totem.locks.LockMessage;
import dev.totem.locks.LockReplica;
import dev.totem.locks.RequestId;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.check.ViolationLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lock service's properties, checked as the run goes (each replica's events and state after
 * each of its inputs), so a violation names the process and the point of the order where it
 * happened.
 *
 * <ul>
 *   <li>{@code lock-exclusion}: in each replica's order of events, a lock is granted only when no
 *       one holds it, and released only by its holder.</li>
 *   <li>{@code lock-events}: the events account for the table: the holder they imply is the
 *       table's holder.</li>
 *   <li>{@code lock-agreement}: synchronised replicas that opened the same sync round (a point of
 *       the total order every member that delivered the round's request shares, whatever
 *       confchgs each got) and delivered the same number of lock messages since, hold tables
 *       with the same digest.</li>
 *   <li>{@code lock-left-released}: after every input, a replica's table holds no request of a
 *       process outside its view: the locks of processes that left, exited or whose node failed
 *       are released at the confchg that removes them.</li>
 *   <li>{@code lock-lease}: a lease a process believes it holds is the one its replica's table
 *       names as the lock's holder.</li>
 *   <li>{@code lock-fifo}: between two inputs of one sync round, a lock passes to its first waiter
 *       still waiting, never to one behind it or to a newcomer, and the waiters keep their
 *       order (a sync merges the sides' queues, so its own input is not judged).</li>
 * </ul>
 * The layer adds {@code lock-liveness} at the end (every request answered, every table empty).
 */
final class LockChecker {
    private final ViolationLog violations = new ViolationLog();
    /** Per process, the holder of each lock its events imply. */
    private final Map<String, Map<String, RequestId>> replay = new HashMap<>();
    /** (sync round, messages since) to the first digest seen there and who saw it. */
    private final Map<String, Object[]> agreement = new HashMap<>();
    /** Per process, while synchronised: its sync round and each lock as its last input left it. */
    private final Map<String, Synced> lastSynced = new HashMap<>();
    private long grants;

    /** A synchronised replica's sync round and its locks by name, after one input. */
    private record Synced(long round, Map<String, LockMessage.LockImage> locks) {}

    void report(String property, String detail) {
        violations.report(property, detail);
    }

    List<Violation> violations() {
        return violations.violations();
    }

    /** Grants over all replicas. */
    long grants() {
        return grants;
    }

    /** Replica {@code process} emitted {@code e}. */
    void event(String process, LockEvent e) {
        Map<String, RequestId> holders = replay.computeIfAbsent(process, k -> new TreeMap<>());
        if (e instanceof LockEvent.Granted g) {
            grants++;
            RequestId now = holders.get(g.name());
            if (now != null) {
                report("lock-exclusion", process + " granted " + g.name() + " to " + g.request() + " while " + now + " held it");
            }
            holders.put(g.name(), g.request());
        } else if (e instanceof LockEvent.Released r) {
            RequestId now = holders.get(r.name());
            if (!r.request().equals(now)) {
                report("lock-exclusion", process + " released " + r.name() + " of " + r.request() + " but " + now + " held it");
            }
            holders.remove(r.name());
        }
    }

    /** Judges lock-fifo on what one input of a synchronised replica changed, and keeps its table for the next. */
    private void fifo(String process, LockReplica replica) {
        if (replica.phase() != LockReplica.Phase.SYNCED) {
            lastSynced.remove(process);
            return;
        }
        Map<String, LockMessage.LockImage> now = new HashMap<>();
        for (LockMessage.LockImage l : replica.table().image().locks()) {
            now.put(l.name(), l);
        }
        Synced last = lastSynced.put(process, new Synced(replica.round(), now));
        if (last == null || last.round() != replica.round()) {
            return;
        }
        for (LockMessage.LockImage b : last.locks().values()) {
            LockMessage.LockImage l = now.get(b.name());
            List<RequestId> waitingNow = l == null ? List.of() : l.waiters();
            RequestId holder = l == null ? null : l.holder();
            if (holder != null && !holder.equals(b.holder())) {
                // The new holder must be the first of the old waiters still in the table, if any is.
                for (RequestId w : b.waiters()) {
                    if (w.equals(holder)) {
                        break;
                    }
                    if (waitingNow.contains(w)) {
                        report("lock-fifo", process + " granted " + b.name() + " to " + holder + " while " + w
                                + " waited before it in " + b.waiters());
                        break;
                    }
                }
            }
            List<RequestId> stayed = b.waiters().stream().filter(waitingNow::contains).toList();
            List<RequestId> stayedNow = waitingNow.stream().filter(b.waiters()::contains).toList();
            if (!stayed.equals(stayedNow)) {
                report("lock-fifo", process + " reordered the waiters of " + b.name() + ": " + b.waiters() + " then "
                        + waitingNow);
            }
        }
    }

    /** Replica {@code process} finished an input; it is in group view {@code view} (for the reports). */
    void afterInput(String process, String view, LockReplica replica, List<Lease> leases) {
        if (replica.phase() == LockReplica.Phase.LEFT) {
            return;
        }
        fifo(process, replica);
        if (replica.phase() == LockReplica.Phase.SYNCED) {
            // Keyed by the round, not the group view: members may name their views differently
            // (one got a confchg the others did not) yet share the round's point of the order.
            long digest = replica.table().digest();
            String point = replica.round() + "#" + replica.deliveredSinceRound();
            Object[] first = agreement.putIfAbsent(point, new Object[] {digest, process, replica.table().toString(), view});
            if (first != null && (long) first[0] != digest) {
                report("lock-agreement", process + " (view " + view + ") and " + first[1] + " (view " + first[3]
                        + ") disagree " + replica.deliveredSinceRound() + " messages after the request of sync round "
                        + replica.round() + ": " + replica.table() + " vs " + first[2]);
            }
        }
        Map<String, RequestId> implied = replay.getOrDefault(process, Map.of());
        for (LockMessage.LockImage l : replica.table().image().locks()) {
            if (l.holder() != null && !l.holder().equals(implied.get(l.name()))) {
                report("lock-events", process + ": the table says " + l.holder() + " holds " + l.name() + ", the events "
                        + implied.get(l.name()));
            }
            List<RequestId> all = new ArrayList<>(l.waiters());
            if (l.holder() != null) {
                all.add(l.holder());
            }
            for (RequestId r : all) {
                if (!replica.member(r.node(), r.pid())) {
                    report("lock-left-released", process + " in view " + view + " still has request " + r + " on "
                            + l.name() + " of a process outside the view");
                }
            }
        }
        for (Map.Entry<String, RequestId> e : implied.entrySet()) {
            RequestId table = replica.table().holder(e.getKey());
            if (!e.getValue().equals(table)) {
                report("lock-events", process + ": the events say " + e.getValue() + " holds " + e.getKey() + ", the table "
                        + table);
            }
        }
        for (Lease lease : leases) {
            if (!lease.request().equals(replica.table().holder(lease.name()))) {
                report("lock-lease", process + " believes it holds " + lease + " but its table says "
                        + replica.table().holder(lease.name()));
            }
        }
    }
}
