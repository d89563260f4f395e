package dev.totem.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.CpgAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Replicas fed by hand the way CPG feeds them: every member of a view delivers the same
 * messages in the same order; confchgs come at the same point to the members of the previous
 * view, and (the asymmetric case) sometimes to one member only.
 */
class LockReplicaTest {
    private final LockConfig config = LockConfig.defaults();
    private final Map<Integer, LockReplica> replicas = new TreeMap<>();
    private final Map<Integer, List<LockEvent>> events = new TreeMap<>();
    /** Messages multicast and not yet delivered, with their sender's node (pid = node here). */
    private final ArrayDeque<Object[]> wire = new ArrayDeque<>();
    private long rounds;

    private LockReplica replica(int node) {
        return replicas.computeIfAbsent(node, n -> {
            events.put(n, new ArrayList<>());
            return new LockReplica(n, n, config, () -> new LockTable(config.requestsMax()), () -> ++rounds,
                    m -> wire.add(new Object[] {n, m}));
        });
    }

    /** Installs a view of {@code nodes} at each of them. */
    private void confchg(int... nodes) {
        List<CpgAddress> members = new ArrayList<>();
        for (int n : nodes) {
            members.add(CpgAddress.member(n, n));
        }
        for (int n : nodes) {
            replica(n).onConfchg(members, events.get(n)::add);
        }
    }

    private void send(int node, LockMessage m) {
        wire.add(new Object[] {node, m});
    }

    /** Delivers everything on the wire to {@code view}, in order, until it is quiet. */
    private void deliver(int... view) {
        while (!wire.isEmpty()) {
            Object[] w = wire.poll();
            for (int n : view) {
                replica(n).onDeliver((int) w[0], (int) w[0], (LockMessage) w[1], events.get(n)::add);
            }
        }
    }

    private static RequestId req(int node, long seq) {
        return new RequestId(node, node, seq);
    }

    @Test
    void replicasApplyTheSameOrderAndALeaversLockPassesToTheNextWaiterAfterTheSync() {
        confchg(1, 2, 3);
        deliver(1, 2, 3);
        assertThat(replica(2).phase()).isEqualTo(LockReplica.Phase.SYNCED);
        send(2, new LockMessage.Acquire("a", 1, false));
        send(3, new LockMessage.Acquire("a", 1, false));
        send(1, new LockMessage.Acquire("a", 1, false));
        deliver(1, 2, 3);
        for (int n = 1; n <= 3; n++) {
            assertThat(replica(n).table().holder("a")).isEqualTo(req(2, 1));
            assertThat(replica(n).table().waiters("a")).containsExactly(req(3, 1), req(1, 1));
        }

        confchg(1, 3);
        assertThat(replica(1).table().holder("a")).as("released at the confchg").isNull();
        assertThat(events.get(1)).contains(new LockEvent.Released("a", req(2, 1), LockEvent.Cause.LEFT));
        deliver(1, 3);
        assertThat(replica(1).table().holder("a")).isEqualTo(req(3, 1));
        assertThat(replica(3).table().digest()).isEqualTo(replica(1).table().digest());
        assertThat(events.get(3)).endsWith(new LockEvent.Granted("a", req(3, 1), 2));
    }

    @Test
    void aBatchIsItsRequestsDeliveredOneAfterTheOther() {
        confchg(1, 2);
        deliver(1, 2);
        send(2, new LockMessage.Acquire("a", 1, false));
        send(1, new LockMessage.Acquire("a", 1, false));
        send(1, new LockMessage.Release("a", 1));
        send(1, new LockMessage.Acquire("b", 2, false));
        deliver(1);
        // Node 2 gets the same requests, node 1's three as one batch.
        events.get(2).clear();
        replica(2).onDeliver(2, 2, new LockMessage.Acquire("a", 1, false), events.get(2)::add);
        replica(2).onDeliver(1, 1, new LockMessage.Batch(List.of(new LockMessage.Acquire("a", 1, false),
                new LockMessage.Release("a", 1), new LockMessage.Acquire("b", 2, false))), events.get(2)::add);
        assertThat(events.get(2)).containsExactly(new LockEvent.Granted("a", req(2, 1), 1),
                new LockEvent.Queued("a", req(1, 1), 0), new LockEvent.Cancelled("a", req(1, 1), LockEvent.Cause.RELEASED),
                new LockEvent.Granted("b", req(1, 2), 2));
        assertThat(replica(2).table().digest()).isEqualTo(replica(1).table().digest());
        assertThat(replica(2).deliveredSinceRound()).isEqualTo(replica(1).deliveredSinceRound());
    }

    @Test
    void afterAPartitionHealsTheSideMostMembersShareKeepsItsHolderAndTheOtherIsRevoked() {
        confchg(1, 2);
        deliver(1, 2);
        send(1, new LockMessage.Acquire("a", 1, false));
        send(2, new LockMessage.Acquire("b", 1, false));
        deliver(1, 2);
        confchg(3);
        deliver(3);
        send(3, new LockMessage.Acquire("a", 1, false));
        send(3, new LockMessage.Acquire("c", 2, false));
        deliver(3);
        assertThat(replica(3).table().holder("a")).isEqualTo(req(3, 1));

        confchg(1, 2, 3);
        send(2, new LockMessage.Acquire("c", 2, false));  // delivered during the sync: held back, then applied
        deliver(1, 2, 3);

        for (int n = 1; n <= 3; n++) {
            LockTable t = replica(n).table();
            assertThat(replica(n).phase()).isEqualTo(LockReplica.Phase.SYNCED);
            assertThat(t.holder("a")).isEqualTo(req(1, 1));
            assertThat(t.holder("b")).isEqualTo(req(2, 1));
            assertThat(t.holder("c")).isEqualTo(req(3, 2));
            assertThat(t.waiters("c")).containsExactly(req(2, 2));
            assertThat(t.digest()).isEqualTo(replica(1).table().digest());
        }
        assertThat(events.get(3)).contains(new LockEvent.Released("a", req(3, 1), LockEvent.Cause.REVOKED));
        assertThat(replica(1).table().fence()).isEqualTo(2);
    }

    @Test
    void aConfchgDuringASyncLeavesTheRoundAndTheNextRequestDropsTheHeldRequestsAlike() {
        confchg(1, 2, 3);
        // Only the sync requests and one acquire get delivered before the next change.
        List<Object[]> requests = new ArrayList<>(wire);
        wire.clear();
        for (Object[] r : requests) {
            for (int n = 1; n <= 3; n++) {
                replica(n).onDeliver((int) r[0], (int) r[0], (LockMessage) r[1], events.get(n)::add);
            }
        }
        wire.clear();
        for (int n = 1; n <= 3; n++) {
            replica(n).onDeliver(2, 2, new LockMessage.Acquire("a", 1, false), events.get(n)::add);
        }
        confchg(2, 3);
        LockEvent dropped = new LockEvent.Dropped(req(2, 1), new LockMessage.Acquire("a", 1, false));
        assertThat(events.get(2)).as("held until a round opens").doesNotContain(dropped);
        deliver(2, 3);
        for (int n = 2; n <= 3; n++) {
            assertThat(events.get(n)).contains(dropped);
        }
        assertThat(replica(2).phase()).isEqualTo(LockReplica.Phase.SYNCED);
        assertThat(replica(2).table().holder("a")).isNull();
        assertThat(replica(3).table().digest()).isEqualTo(replica(2).table().digest());
    }

    @Test
    void aConfchgOnlyOneMemberGetsSyncsEveryMemberAndTheFreshTablesComeFirst() {
        confchg(1, 2, 3);
        deliver(1, 2, 3);
        send(1, new LockMessage.Acquire("a", 1, false));
        deliver(1, 2, 3);
        // Node 3 alone sees the others leave and syncs alone; 1 and 2 see no change at all.
        replica(3).onConfchg(List.of(CpgAddress.member(3, 3)), events.get(3)::add);
        deliver(3);
        send(3, new LockMessage.Acquire("b", 1, false));
        deliver(3);
        assertThat(replica(3).table().holder("a")).isNull();
        // Back in one ring, only node 3 gets a confchg (NODEUP): its member list changed, theirs did not.
        replica(3).onConfchg(List.of(CpgAddress.member(1, 1), CpgAddress.member(2, 2), CpgAddress.member(3, 3)),
                events.get(3)::add);
        Object[] request = wire.poll();
        send(2, new LockMessage.Acquire("a", 2, false));  // 1 and 2 apply it, 3 holds it back
        deliver(1, 2, 3);
        assertThat(replica(3).phase()).isEqualTo(LockReplica.Phase.AWAITING_SYNC);
        wire.add(request);
        deliver(1, 2, 3);

        for (int n = 1; n <= 3; n++) {
            LockTable t = replica(n).table();
            assertThat(replica(n).phase()).as("node %d", n).isEqualTo(LockReplica.Phase.SYNCED);
            assertThat(t.holder("a")).as("the fresh tables' holder").isEqualTo(req(1, 1));
            assertThat(t.waiters("a")).as("applied once, by the fresh tables").containsExactly(req(2, 2));
            assertThat(t.holder("b")).isEqualTo(req(3, 1));
            assertThat(t.digest()).isEqualTo(replica(1).table().digest());
            assertThat(replica(n).round()).isEqualTo(replica(1).round());
        }
        assertThat(events.get(3)).contains(new LockEvent.Granted("a", req(1, 1), 1));
    }

    @Test
    void aStaleSnapshotOfAnotherRoundIsIgnored() {
        confchg(1, 2);
        deliver(1, 2);
        confchg(1, 2);
        send(2, new LockMessage.Snapshot(999, false, new LockMessage.Image(5,
                List.of(new LockMessage.LockImage("z", req(2, 9), 5, List.of())))));
        deliver(1, 2);
        assertThat(replica(1).table().holder("z")).isNull();
        assertThat(replica(1).ignored()).isPositive();
        assertThat(replica(1).phase()).isEqualTo(LockReplica.Phase.SYNCED);
    }
}
