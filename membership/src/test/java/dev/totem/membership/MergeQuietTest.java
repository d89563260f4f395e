package dev.totem.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MergeQuietTest {
    private static final long QUIET = 90_000_000_000L;

    @Test
    void aNodeWhoseFramesStartedAGatherThatEndedWithoutItsJoinIsQuieted() {
        MergeQuiet q = new MergeQuiet(QUIET);
        q.prompted(2);
        q.prompted(3);
        q.answered(3);
        assertThat(q.installed(new int[] {1}, 100)).as("3 answered").containsExactly(2);
        assertThat(q.quiet(2, 100 + QUIET - 1)).isTrue();
        assertThat(q.quiet(2, 100 + QUIET)).isFalse();
        assertThat(q.quiet(3, 101)).isFalse();
    }

    @Test
    void aJoinLiftsTheQuietAtOnceAndAMemberIsNeverQuieted() {
        MergeQuiet q = new MergeQuiet(QUIET);
        q.prompted(2);
        q.installed(new int[] {1}, 0);
        assertThat(q.quiet(2, 1)).isTrue();
        q.answered(2);
        assertThat(q.quiet(2, 2)).as("it talks to us").isFalse();

        q.prompted(4);
        assertThat(q.installed(new int[] {1, 4}, 3)).as("let in").isEmpty();
        assertThat(q.quiet(4, 4)).isFalse();
    }

    @Test
    void eachChangeStartsWithNothingNoted() {
        MergeQuiet q = new MergeQuiet(QUIET);
        q.answered(2);
        q.installed(new int[] {1}, 0);
        q.prompted(2);
        assertThat(q.installed(new int[] {1}, 1)).as("the answer was of the last change").containsExactly(2);
        assertThatThrownBy(() -> new MergeQuiet(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
