package dev.totem.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.protocol.api.RingId;
import dev.totem.protocol.wire.JoinMessage;
import org.junit.jupiter.api.Test;

class MergeHoldOffTest {
    private static final long BASE = 6_000_000_000L;
    private static final long MAX = 16 * BASE;
    private static final int[] RING = {2, 3, 4, 5};
    private static final RingId RING_ID = new RingId(2, 40);

    /** Node 3's hold-off, which heard {@code node} before each of {@code times} installs of RING. */
    private static MergeHoldOff shutOut(int node, long... times) {
        MergeHoldOff h = new MergeHoldOff(3, BASE, MAX);
        for (long t : times) {
            h.heard(node);
            h.installed(RING, t);
        }
        return h;
    }

    @Test
    void theSecondExclusionInARowStartsAHoldThatDoublesUpToTheMaximum() {
        MergeHoldOff h = new MergeHoldOff(3, BASE, MAX);
        h.heard(1);
        assertThat(h.installed(RING, 1_000)).as("one exclusion may be bad luck").isEmpty();
        assertThat(h.holds(1, 1_001)).isFalse();
        h.heard(1);
        assertThat(h.installed(RING, 2_000)).containsExactly(1);
        assertThat(h.holds(1, 2_000 + BASE - 1)).isTrue();
        assertThat(h.holds(1, 2_000 + BASE)).isFalse();
        assertThat(h.millisLeft(1, 2_000)).isEqualTo(6_000);
        assertThat(h.holdNanos(3)).isEqualTo(2 * BASE);
        assertThat(h.holdNanos(6)).isEqualTo(MAX);
        assertThat(h.holdNanos(60)).isEqualTo(MAX);
    }

    @Test
    void aNodeNotHeardOrLeavingOnPurposeOrInTheRingIsNoExclusion() {
        MergeHoldOff h = new MergeHoldOff(3, BASE, MAX);
        for (long t = 1; t <= 3; t++) {
            h.heard(2); // in the ring
            h.heard(6);
            h.left(6); // its leave join came after
            assertThat(h.installed(RING, t)).isEmpty();
        }
        assertThat(h.exclusions(6)).isZero();
        assertThat(h.exclusions(2)).isZero();
        assertThat(h.exclusions(1)).as("never heard: crashed, say").isZero();
    }

    @Test
    void theSmallerPartNeverHoldsTheLargerOff() {
        MergeHoldOff alone = new MergeHoldOff(1, BASE, MAX);
        for (long t = 1; t <= 4; t++) {
            for (int n : RING) {
                alone.heard(n);
            }
            assertThat(alone.installed(new int[] {1}, t)).isEmpty();
        }
        MergeHoldOff pair = new MergeHoldOff(3, BASE, MAX);
        for (long t = 1; t <= 4; t++) {
            pair.heard(1);
            pair.heard(2);
            pair.heard(4);
            assertThat(pair.installed(new int[] {3, 5}, t)).as("two against three").isEmpty();
        }
    }

    @Test
    void ofTwoEqualPartsTheOneWithTheLowestIdHoldsTheOtherOff() {
        // Two one-way links into node 1 leave it hearing node 2 alone: rings {1, 2} and {3, 4}
        // form again and again, and if neither held the other off they would re-form at every
        // consensus timeout for as long as the links are down.
        MergeHoldOff low = new MergeHoldOff(2, BASE, MAX);
        MergeHoldOff high = new MergeHoldOff(3, BASE, MAX);
        for (long t = 1; t <= 2; t++) {
            low.heard(3);
            low.heard(4);
            high.heard(1);
            high.heard(2);
            assertThat(high.installed(new int[] {3, 4}, t)).as("the part without the lowest id").isEmpty();
            low.installed(new int[] {1, 2}, t);
        }
        assertThat(low.holds(3, 3)).isTrue();
        assertThat(low.holds(4, 3)).isTrue();
        assertThat(high.exclusions(1)).isZero();
        MergeHoldOff alone = new MergeHoldOff(1, BASE, MAX);
        for (long t = 1; t <= 4; t++) {
            alone.heard(4);
            assertThat(alone.installed(new int[] {1}, t)).as("a node alone may have heard one node of a larger ring").isEmpty();
        }
    }

    @Test
    void ofTwoEqualPartsNeitherHoldsWhenTheOtherAnnouncedAHold() {
        // Nodes 3 and 5 still hold node 2 off, node 1 and 4 took it in: the holds split the ring,
        // not a link (simulator, --faults partial, seed 10541: node 1 held 3 and 5 off for the
        // longest hold 53 s after the repair, with counts from the fault).
        MergeHoldOff h = new MergeHoldOff(1, BASE, MAX);
        JoinMessage holding = new JoinMessage(3, false, false, new RingId(3, 44), new int[] {3, 5}, new int[] {2},
                new int[] {2}, new int[] {3_000}, new int[] {2});
        for (long t = 0; t < 3; t++) {
            assertThat(h.admit(holding, null, 10 * t)).isTrue();
            h.heard(5);
            assertThat(h.installed(new int[] {1, 4}, 10 * t + 5)).isEmpty();
        }
        assertThat(h.exclusions(3)).isZero();
        for (long t = 3; t < 5; t++) {
            h.heard(3);
            h.heard(5);
            h.installed(new int[] {1, 4}, 10 * t + 5);
        }
        assertThat(h.holds(3, 46)).as("announcing no hold, they count").isTrue();
    }

    @Test
    void exclusionsFarApartStartTheCountAgain() {
        long gap = MergeHoldOff.ROW_GAP_HOLD_BASES * BASE;
        MergeHoldOff h = shutOut(1, 0);
        h.heard(1);
        assertThat(h.installed(RING, gap + 1)).as("the last was longer ago than the row's gap").isEmpty();
        assertThat(h.exclusions(1)).isEqualTo(1);
        h.heard(1);
        assertThat(h.installed(RING, 2 * gap + 1)).as("just within the gap").containsExactly(1);
    }

    @Test
    void theRowRunsOnFromTheEndOfTheHoldNotFromTheExclusion() {
        // After the repair of a link, churn the fault left behind shuts a node out once more:
        // with the count of the fault carried over it got the longest hold at once.
        long gap = MergeHoldOff.ROW_GAP_HOLD_BASES * BASE;
        MergeHoldOff h = shutOut(1, 0, 10, 20 + BASE); // holds of BASE, then 2 BASE from 20 + BASE
        long end = 20 + 3 * BASE;
        assertThat(h.exclusions(1)).isEqualTo(3);
        h.heard(1);
        assertThat(h.installed(RING, end + gap)).as("retried when the hold ended, shut out again").containsExactly(1);
        assertThat(h.exclusions(1)).isEqualTo(4);
        long longer = end + gap + 4 * BASE;
        h.heard(1);
        assertThat(h.installed(RING, longer + gap + 1)).as("long after the hold ended: a new row").isEmpty();
        assertThat(h.exclusions(1)).isEqualTo(1);
        MergeHoldOff mate = new MergeHoldOff(3, BASE, MAX);
        mate.adopt(1, 1_000 + 8 * BASE, 5, RING, 1_000);
        mate.heard(1);
        assertThat(mate.installed(RING, 1_000 + 8 * BASE + gap)).as("an adopted hold feeds the row as ours")
                .containsExactly(1);
        assertThat(mate.exclusions(1)).isEqualTo(6);
    }

    @Test
    void memoryIsBoundedWhateverSenderIdsFramesClaim() {
        MergeHoldOff h = new MergeHoldOff(3, BASE, MAX);
        int[] big = new int[MergeHoldOff.HEARD_MAX + 1];
        for (int i = 0; i < big.length; i++) {
            big[i] = 1_000 + i;
        }
        for (int n = 1; n <= 3 * MergeHoldOff.HEARD_MAX; n++) {
            h.heard(100_000 + n);
        }
        h.installed(big, 1); // every one heard is left out, and a ring larger than all of them
        assertThat(h.exclusions(100_001)).isEqualTo(1);
        assertThat(h.exclusions(100_000 + MergeHoldOff.HEARD_MAX + 1)).as("beyond the bound of nodes heard").isZero();
        h.installed(RING, 1 + 2 * MAX + 1);
        assertThat(h.exclusions(100_001)).as("forgotten once stale").isZero();
    }

    @Test
    void anExclusionMadeByAHoldIsNoNewEvidence() {
        MergeHoldOff h = shutOut(1, 0, 10);
        assertThat(h.exclusions(1)).isEqualTo(2);
        h.heard(1);
        h.installed(RING, 20);
        assertThat(h.exclusions(1)).as("still held when shut out").isEqualTo(2);
    }

    @Test
    void holdsOfRingMatesAreAdoptedWhenLongerButNeverOnARingMemberOrOnUs() {
        MergeHoldOff h = shutOut(1, 0, 10); // held until 10 + BASE
        h.adopt(1, 5, 2, RING, 0);
        assertThat(h.holds(1, 10 + BASE - 1)).as("a shorter hold changes nothing").isTrue();
        h.adopt(1, 10 + 3 * BASE, 2, RING, 0);
        assertThat(h.holds(1, 10 + 3 * BASE - 1)).isTrue();
        h.adopt(4, 10 + BASE, 2, RING, 0);
        h.adopt(3, 10 + BASE, 2, RING, 0);
        assertThat(h.holds(4, 11)).as("a member of our ring").isFalse();
        assertThat(h.holds(3, 11)).as("ourselves").isFalse();
        h.adopt(7, 100, 2, RING, 0);
        assertThat(h.held(50)).containsExactly(1, 7);
        assertThat(h.held(100)).containsExactly(1);
        assertThat(h.heldMillis(50)).containsExactly(java.util.Map.entry(1, 3 * BASE / 1_000_000), java.util.Map.entry(7, 1L));
    }

    @Test
    void aRingMateThatCountedOneExclusionLessTakesOnTheCountAndDoublesAlike() {
        MergeHoldOff behind = shutOut(1, 0); // missed node 1's frames in the second change: one exclusion
        MergeHoldOff mate = shutOut(1, 0, 10); // two: held until 10 + BASE
        assertThat(behind.holds(1, 11)).isFalse();
        int[] held = mate.held(20);
        behind.adopt(held[0], 20 + mate.millisLeft(held, 20)[0] * 1_000_000L, mate.exclusions(held)[0], RING, 20);
        assertThat(behind.exclusions(1)).isEqualTo(2);
        assertThat(behind.holds(1, 10 + BASE - 1)).isTrue();
        // Both try node 1 again when the hold ends, and shut it out again: the same longer hold.
        long t = 10 + BASE + 50; // after both holds (the adopted one ends on a whole millisecond)
        behind.heard(1);
        mate.heard(1);
        assertThat(behind.installed(RING, t)).containsExactly(1);
        assertThat(mate.installed(RING, t)).containsExactly(1);
        assertThat(behind.millisLeft(1, t)).isEqualTo(mate.millisLeft(1, t)).isEqualTo(2 * BASE / 1_000_000);
        behind.adopt(1, t + 1, 2, RING, t);
        assertThat(behind.exclusions(1)).as("a lower count changes nothing").isEqualTo(3);
    }

    @Test
    void aRestartedNodeIsLetInAndKeepsItsCount() {
        MergeHoldOff h = shutOut(1, 0, 10);
        assertThat(h.restarted(2, 20)).as("not held").isFalse();
        assertThat(h.restarted(1, 20)).isTrue();
        assertThat(h.holds(1, 21)).isFalse();
        assertThat(h.restarted(1, 22)).as("already let in").isFalse();
        h.adopt(1, 10 * BASE, 3, RING, 23); // a ring-mate's join sent before it heard of the restart
        assertThat(h.holds(1, 24)).as("no hold taken on for a node that restarted since the last ring").isFalse();
        h.heard(1);
        assertThat(h.installed(RING, 30)).as("left out just after its restart: no evidence yet").isEmpty();
        assertThat(h.exclusions(1)).isEqualTo(2);
        h.heard(1);
        assertThat(h.installed(RING, 40)).as("shut out again: the link is still bad").containsExactly(1);
        assertThat(h.millisLeft(1, 40)).isEqualTo(2 * BASE / 1_000_000);
    }

    @Test
    void aRingChangeARestartTookPartInCountsNoExclusion() {
        MergeHoldOff h = new MergeHoldOff(3, BASE, MAX);
        h.heard(4);
        h.installed(new int[] {1, 2, 3}, 0); // node 4 was shut out once before
        h.restarted(5, 10);
        h.heard(4);
        h.heard(5);
        assertThat(h.installed(new int[] {1, 2, 3}, 20)).as("churn after node 5's restart").isEmpty();
        assertThat(h.exclusions(4)).isEqualTo(1);
        h.heard(4);
        assertThat(h.installed(new int[] {1, 2, 3}, 30)).as("the next change counts again").containsExactly(4);
    }

    @Test
    void anExclusionARingMatesHoldMadeIsNoNewEvidenceEither() {
        MergeHoldOff h = shutOut(1, 0, 10); // held until 10 + BASE
        long end = 10 + BASE;
        // Our hold ended a little before a ring-mate's: its join still announces one.
        JoinMessage mate = new JoinMessage(2, false, false, RING_ID, new int[] {2, 3, 4, 5}, new int[] {1},
                new int[] {1}, new int[] {3}, new int[] {2});
        assertThat(h.admit(mate, RING, end + 1)).isTrue();
        h.heard(1);
        assertThat(h.installed(RING, end + 4_000_000)).as("the mate's hold shut node 1 out").isEmpty();
        assertThat(h.exclusions(1)).isEqualTo(2);
        h.heard(1);
        assertThat(h.installed(RING, end + 5_000_000)).as("with no hold announced, it counts").containsExactly(1);
    }

    @Test
    void anExclusionAHoldOfAMemberOfTheNewRingMadeIsNoNewEvidence() {
        MergeHoldOff h = new MergeHoldOff(3, BASE, MAX);
        h.heard(1);
        h.installed(new int[] {2, 3}, 0); // node 1 shut out once
        // Node 4 comes from a ring of its own (its join names no ring of ours) holding node 1 off.
        JoinMessage fromOtherRing = new JoinMessage(4, false, false, new RingId(4, 44), new int[] {2, 3, 4}, new int[] {1},
                new int[] {1}, new int[] {3_000}, new int[] {2});
        assertThat(h.admit(fromOtherRing, null, 10)).isTrue();
        h.heard(1);
        assertThat(h.installed(new int[] {2, 3, 4}, 20)).as("node 4's hold shut node 1 out of the ring node 4 is in").isEmpty();
        assertThat(h.exclusions(1)).isEqualTo(1);
        assertThat(h.admit(fromOtherRing, null, 30)).isTrue();
        h.heard(1);
        assertThat(h.installed(new int[] {2, 3, 5}, 40)).as("node 4 is not in this ring: its hold did not make it")
                .containsExactly(1);
    }

    @Test
    void aNodeLetInEndsItsHold() {
        MergeHoldOff h = shutOut(1, 0, 10);
        h.installed(new int[] {1, 2, 3, 4, 5}, 20);
        assertThat(h.holds(1, 21)).isFalse();
    }

    @Test
    void aDisabledHoldOffNeverHolds() {
        MergeHoldOff h = new MergeHoldOff(3, BASE, MAX);
        h.disable();
        for (long t = 1; t <= 4; t++) {
            h.heard(1);
            assertThat(h.installed(RING, t)).isEmpty();
        }
    }

    @Test
    void theBoundsMustMakeSense() {
        assertThatThrownBy(() -> new MergeHoldOff(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MergeHoldOff(1, 2, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
