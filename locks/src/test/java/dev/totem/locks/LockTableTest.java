package dev.totem.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LockTableTest {
    private final List<LockEvent> events = new ArrayList<>();
    private final LockTable table = new LockTable(8);

    private static RequestId r(int node, long seq) {
        return new RequestId(node, 100 + node, seq);
    }

    @Test
    void aFreeLockIsGrantedAtOnceAndWaitersFollowInArrivalOrder() {
        table.acquire("a", r(1, 1), false, events::add);
        table.acquire("a", r(3, 1), false, events::add);
        table.acquire("a", r(2, 1), false, events::add);
        assertThat(table.holder("a")).isEqualTo(r(1, 1));
        assertThat(table.waiters("a")).containsExactly(r(3, 1), r(2, 1));

        table.release("a", r(1, 1), events::add);
        table.release("a", r(3, 1), events::add);

        assertThat(table.holder("a")).isEqualTo(r(2, 1));
        assertThat(events).containsExactly(
                new LockEvent.Granted("a", r(1, 1), 1), new LockEvent.Queued("a", r(3, 1), 0),
                new LockEvent.Queued("a", r(2, 1), 1),
                new LockEvent.Released("a", r(1, 1), LockEvent.Cause.RELEASED), new LockEvent.Granted("a", r(3, 1), 2),
                new LockEvent.Released("a", r(3, 1), LockEvent.Cause.RELEASED), new LockEvent.Granted("a", r(2, 1), 3));
    }

    @Test
    void aTryOfAHeldLockIsDeniedAndNeverWaits() {
        table.acquire("a", r(1, 1), false, events::add);
        table.acquire("a", r(2, 1), true, events::add);
        assertThat(events.get(1)).isInstanceOf(LockEvent.Denied.class);
        assertThat(table.waiters("a")).isEmpty();
        assertThat(table.requests()).isEqualTo(1);
    }

    @Test
    void aWaiterCanCancelAndAnUnknownReleaseIsIgnored() {
        table.acquire("a", r(1, 1), false, events::add);
        table.acquire("a", r(2, 1), false, events::add);
        assertThat(table.release("a", r(2, 1), events::add)).isTrue();
        assertThat(table.release("a", r(2, 1), events::add)).isFalse();
        assertThat(table.release("b", r(2, 1), events::add)).isFalse();
        assertThat(table.waiters("a")).isEmpty();
        assertThat(events).contains(new LockEvent.Cancelled("a", r(2, 1), LockEvent.Cause.RELEASED));
    }

    @Test
    void aFullTableDeniesAlikeAndADuplicateRequestIsIgnored() {
        LockTable small = new LockTable(2);
        small.acquire("a", r(1, 1), false, events::add);
        small.acquire("a", r(1, 1), false, events::add);
        small.acquire("b", r(2, 1), false, events::add);
        small.acquire("c", r(3, 1), false, events::add);
        assertThat(small.requests()).isEqualTo(2);
        assertThat(events).hasSize(3);
        assertThat(((LockEvent.Denied) events.get(2)).why()).contains("full");
    }

    @Test
    void removingAbsentProcessesReleasesTheirLocksButGrantsOnlyWhenAsked() {
        table.acquire("a", r(1, 1), false, events::add);
        table.acquire("a", r(2, 1), false, events::add);
        table.acquire("b", r(2, 2), false, events::add);
        table.acquire("b", r(1, 2), false, events::add);
        events.clear();
        long node1 = RequestId.process(1, 101);
        table.removeAbsent(p -> p != node1, events::add);
        assertThat(events).containsExactly(new LockEvent.Released("a", r(1, 1), LockEvent.Cause.LEFT),
                new LockEvent.Cancelled("b", r(1, 2), LockEvent.Cause.LEFT));
        assertThat(table.holder("a")).isNull();
        events.clear();
        table.grantWaiting(events::add);
        assertThat(events).containsExactly(new LockEvent.Granted("a", r(2, 1), 3));
    }

    @Test
    void aMergeKeepsTheFirstSidesHolderRevokesTheOtherAndQueuesEveryoneElseOnce() {
        LockTable left = new LockTable(8);
        left.acquire("a", r(1, 1), false, events::add);
        left.acquire("a", r(2, 1), false, events::add);
        LockTable right = new LockTable(8);
        right.acquire("x", r(9, 9), false, events::add);
        right.acquire("x", r(9, 9), false, events::add);
        right.release("x", r(9, 9), events::add);
        right.acquire("a", r(3, 1), false, events::add);
        right.acquire("a", r(4, 1), false, events::add);
        right.acquire("b", r(3, 2), false, events::add);
        events.clear();

        LockTable merged = new LockTable(8);
        merged.mergeFrom(List.of(left.image(), right.image()), p -> true);
        merged.diffFrom(left, events::add);

        assertThat(merged.holder("a")).isEqualTo(r(1, 1));
        assertThat(merged.waiters("a")).containsExactly(r(2, 1), r(4, 1));
        assertThat(merged.holder("b")).isEqualTo(r(3, 2));
        assertThat(merged.fence()).isEqualTo(3);
        assertThat(events).containsExactly(new LockEvent.Queued("a", r(4, 1), 1), new LockEvent.Granted("b", r(3, 2), 3));

        List<LockEvent> rightView = new ArrayList<>();
        merged.diffFrom(right, rightView::add);
        assertThat(rightView).containsExactly(new LockEvent.Released("a", r(3, 1), LockEvent.Cause.REVOKED),
                new LockEvent.Granted("a", r(1, 1), 1), new LockEvent.Queued("a", r(2, 1), 0));
    }

    @Test
    void aMergeLeavesOutNonMembersAndTrimsPastTheBound() {
        LockTable one = new LockTable(8);
        for (int n = 1; n <= 5; n++) {
            one.acquire("a", r(n, 1), false, events::add);
        }
        LockTable merged = new LockTable(3);
        Set<Long> members = Set.of(RequestId.process(2, 102), RequestId.process(3, 103), RequestId.process(4, 104),
                RequestId.process(5, 105));
        merged.mergeFrom(List.of(one.image()), members::contains);
        assertThat(merged.holder("a")).isNull();
        assertThat(merged.waiters("a")).containsExactly(r(2, 1), r(3, 1), r(4, 1));
        events.clear();
        merged.grantWaiting(events::add);
        assertThat(events).containsExactly(new LockEvent.Granted("a", r(2, 1), 2));
    }

    @Test
    void equalTablesHaveEqualDigestsAndImages() {
        LockTable other = new LockTable(8);
        for (LockTable t : List.of(table, other)) {
            t.acquire("a", r(1, 1), false, e -> { });
            t.acquire("a", r(2, 1), false, e -> { });
        }
        assertThat(table.digest()).isEqualTo(other.digest());
        assertThat(table.image()).isEqualTo(other.image());
        other.release("a", r(2, 1), e -> { });
        assertThat(table.digest()).isNotEqualTo(other.digest());
    }

    @Test
    void locksThatFellIdleAreNotPartOfTheTableAndAreDroppedPastTheBound() {
        // Table of 8 requests: 8 idle locks stay, the 9th sweeps them all.
        LockTable fresh = new LockTable(8);
        fresh.acquire("held", r(2, 1), false, events::add);
        table.acquire("held", r(2, 1), false, events::add);
        for (int i = 0; i < 8; i++) {
            table.acquire("l" + i, r(1, i + 1), false, events::add);
            table.release("l" + i, r(1, i + 1), events::add);
        }
        assertThat(table.names()).containsExactly("held");
        assertThat(table.image().locks()).hasSize(1);
        assertThat(table.toString()).doesNotContain("l0");
        // Fence counters differ (8 more grants): equal apart from it.
        assertThat(table.image().locks()).isEqualTo(fresh.image().locks());

        // An idle lock taken again is a lock as any other; the next release sweeps.
        table.acquire("l3", r(1, 20), false, events::add);
        assertThat(table.holder("l3")).isEqualTo(r(1, 20));
        table.acquire("l3", r(2, 21), false, events::add);
        assertThat(table.waiters("l3")).containsExactly(r(2, 21));
        table.release("l3", r(1, 20), events::add);
        table.release("l3", r(2, 21), events::add);
        table.acquire("x", r(1, 30), false, events::add);
        table.release("x", r(1, 30), events::add);
        assertThat(table.names()).containsExactly("held");
        assertThat(table.requests()).isEqualTo(1);
    }

    @Test
    void aSinkThatWantsOneProcessGetsItsEventsOnlyAndTheTableIsTheSame() {
        LockTable all = new LockTable(8);
        List<LockEvent> mine = new ArrayList<>();
        long me = r(2, 1).process();
        LockEventSink onlyMine = new LockEventSink() {
            @Override
            public void accept(LockEvent e) {
                mine.add(e);
            }

            @Override
            public boolean wants(long process) {
                return process == me;
            }
        };
        byte[] a = "a".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (RequestId r : List.of(r(1, 1), r(2, 1), r(3, 1))) {
            table.acquire(a, 0, 1, r.process(), r.seq(), false, onlyMine);
            all.acquire("a", r, false, events::add);
        }
        table.release(a, 0, 1, r(1, 1).process(), 1, onlyMine);
        all.release("a", r(1, 1), events::add);

        assertThat(table.digest()).isEqualTo(all.digest());
        assertThat(mine).containsExactly(new LockEvent.Queued("a", r(2, 1), 0), new LockEvent.Granted("a", r(2, 1), 2));
        assertThat(events).filteredOn(e -> e.request().process() == me).isEqualTo(mine);
        assertThat(events).hasSize(5);
    }

    @Test
    void manyLocksByBytesSurviveGrowthAndSweeps() {
        // Enough names to grow the index several times, then a confchg's sweep takes half out.
        LockTable big = new LockTable(5000);
        for (int i = 0; i < 3000; i++) {
            big.acquire("lock-" + i, new RequestId(1 + i % 2, 7, i + 1), false, events::add);
        }
        assertThat(big.requests()).isEqualTo(3000);
        big.removeAbsent(p -> p == RequestId.process(1, 7), events::add);
        assertThat(big.requests()).isEqualTo(1500);
        for (int i = 0; i < 3000; i++) {
            RequestId expected = i % 2 == 0 ? new RequestId(1, 7, i + 1) : null;
            assertThat(big.holder("lock-" + i)).isEqualTo(expected);
        }
        assertThat(big.names()).hasSize(1500).startsWith("lock-0", "lock-10", "lock-100");
    }

    @Test
    void namesThatShareTheirFirstBytesAreDifferentLocks() {
        // The index compares a name's length and first 16 bytes first: these differ past them, or in length only.
        List<String> names = List.of("a", "a\u0000", "0123456789abcdef", "0123456789abcdefX", "0123456789abcdefY", "é");
        LockTable t = new LockTable(16);
        for (int i = 0; i < names.size(); i++) {
            t.acquire(names.get(i), r(1, i + 1), false, events::add);
        }
        for (int i = 0; i < names.size(); i++) {
            assertThat(t.holder(names.get(i))).isEqualTo(r(1, i + 1));
        }
        assertThat(t.requests()).isEqualTo(names.size());
        assertThat(t.holder("0123456789abcdefZ")).isNull();
    }
}
