package dev.totem.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.RingId;
import dev.totem.protocol.wire.JoinMessage;
import org.junit.jupiter.api.Test;

class GatherConsensusTest {
    private static final RingId RING = new RingId(1, 8);
    private static final long JOIN_NANOS = 50_000_000L;

    private static JoinMessage join(int sender, int[] proc, int[] failed) {
        return new JoinMessage(sender, false, RING, proc, failed);
    }

    private static GatherConsensus gathering(int myId, int... others) {
        GatherConsensus g = new GatherConsensus(myId);
        for (int o : others) {
            g.propose(o);
        }
        g.restart();
        return g;
    }

    @Test
    void aJoinThatListsUsFailedMakesItsSenderFailedInstead() {
        GatherConsensus g = gathering(1);
        g.merge(join(3, new int[] {1, 2, 3}, new int[] {1}));
        assertThat(g.isFailed(3)).isTrue();
        assertThat(g.isFailed(1)).isFalse();
        assertThat(g.proposed()).containsExactly(1, 2);
    }

    @Test
    void aJoinsFailedSetIsOursOtherwise() {
        GatherConsensus g = gathering(1);
        g.merge(join(2, new int[] {1, 2, 3}, new int[] {3}));
        assertThat(g.proposed()).containsExactly(1, 2);
        assertThat(g.matches(join(2, new int[] {1, 2, 3}, new int[] {3}))).isTrue();
    }

    @Test
    void theLowestCommitsOnceAllAgreedAndBeforeItsFirstRingOneJoinPeriodAfterTheFirstJoin() {
        GatherConsensus g = gathering(1, 2);
        g.heardJoin(100);
        assertThat(g.mayCommit(100 + JOIN_NANOS, JOIN_NANOS)).as("2 has not agreed").isFalse();
        assertThat(g.agree(join(2, new int[] {1, 2}, new int[0]))).isTrue();
        assertThat(g.mayCommit(100 + JOIN_NANOS - 1, JOIN_NANOS)).as("first ring, too soon").isFalse();
        assertThat(g.mayCommit(100 + JOIN_NANOS, JOIN_NANOS)).isTrue();
        g.committed();
        assertThat(g.mayCommit(101, JOIN_NANOS)).as("no wait after the first commit").isTrue();

        GatherConsensus higher = gathering(2, 1);
        higher.agree(join(1, new int[] {1, 2}, new int[0]));
        assertThat(higher.mayCommit(100 + JOIN_NANOS, JOIN_NANOS)).as("not the lowest").isFalse();
    }

    @Test
    void aLeaveNeverCountsTowardConsensus() {
        GatherConsensus g = gathering(1, 2);
        assertThat(g.agree(new JoinMessage(2, true, RING, new int[] {1, 2}, new int[0]))).isFalse();
        assertThat(g.agreed()).isFalse();
    }

    @Test
    void theConsensusTimeoutFailsTheMembersThatDidNotAgree() {
        GatherConsensus g = gathering(1, 2, 3);
        g.agree(join(2, new int[] {1, 2, 3}, new int[0]));
        g.failUnanswered();
        assertThat(g.proposed()).containsExactly(1, 2);
        assertThat(g.isFailed(3)).isTrue();
    }

    @Test
    void aJoinRepeatingTheCommittedConsensusIsRecognised() {
        GatherConsensus g = gathering(1, 2);
        g.committed();
        assertThat(g.repeatsCommitted(join(2, new int[] {1, 2}, new int[0]))).isTrue();
        assertThat(g.repeatsCommitted(join(2, new int[] {1, 2, 3}, new int[0]))).isFalse();
    }

    @Test
    void theLeaveJoinNamesUsFailedAndIsNullWithNobodyToTell() {
        GatherConsensus alone = gathering(1);
        assertThat(alone.leaveJoin(RING, new int[] {1})).isNull();

        GatherConsensus g = gathering(2, 3);
        JoinMessage leave = g.leaveJoin(RING, new int[] {1, 2});
        assertThat(leave.leave()).isTrue();
        assertThat(leave.procList()).containsExactly(1, 3);
        assertThat(leave.failedList()).containsExactly(2);
    }

    @Test
    void aHeldOffNodeIsFailedAsSoonAsItIsProposedByUsOrByAJoin() {
        java.util.Set<Integer> held = new java.util.HashSet<>(java.util.Set.of(4));
        GatherConsensus g = new GatherConsensus(1, held::contains);
        g.propose(2);
        g.propose(4);
        g.restart();
        assertThat(g.isFailed(4)).isTrue();
        assertThat(g.proposed()).containsExactly(1, 2);

        held.add(5);
        g.merge(join(2, new int[] {1, 2, 5}, new int[0]));
        assertThat(g.isFailed(5)).as("proposed by another's join").isTrue();
        assertThat(g.proposed()).containsExactly(1, 2);
        assertThat(g.join(RING, false, new int[] {4, 5}, new int[] {900, 40}, new int[] {2, 3}).failedList()).containsExactly(4, 5);

        held.add(2);
        g.restart();
        assertThat(g.proposed()).as("a hold begun since 2 was proposed").containsExactly(1);
    }

    @Test
    void aNodeThatFailedToReceiveNamesItselfFailedUntilItsNextRing() {
        GatherConsensus g = gathering(1, 2, 3);
        g.excludeSelf();
        g.restart();
        JoinMessage ours = g.join(RING, false, new int[0], new int[0], new int[0]);
        assertThat(ours.failedList()).containsExactly(1);
        assertThat(g.proposed()).containsExactly(2, 3);
        assertThat(g.agree(join(2, new int[] {1, 2, 3}, new int[] {1}))).isTrue();
        assertThat(g.agree(join(3, new int[] {1, 2, 3}, new int[] {1}))).isTrue();
        assertThat(g.agreed()).as("the others go on without us").isTrue();
        assertThat(g.mayCommit(Long.MAX_VALUE / 2, JOIN_NANOS)).as("the lowest, but not a member").isFalse();

        g.restart();
        assertThat(g.isFailed(1)).as("still out after another gather round").isTrue();
        g.installed(new int[] {1});
        g.restart();
        assertThat(g.selfExcluded()).isFalse();
        assertThat(g.isFailed(1)).isFalse();

        GatherConsensus other = gathering(2, 1, 3);
        other.merge(ours);
        assertThat(other.proposed()).as("the others merge our own failure").containsExactly(2, 3);
    }
}
