package dev.totem.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.wire.JoinMessage;
import org.junit.jupiter.api.Test;

class ShutOutNodesTest {
    private static final int[] RING = {2, 3, 4};
    private static final long SECOND = 1_000_000_000L;

    private final MembershipStats stats = new MembershipStats();
    private final ShutOutNodes shutOut = new ShutOutNodes(3, TotemConfig.forNodeCount(5), stats, true, true);

    @Test
    void aNodeHeardOnlyByFramesOfItsOwnRingIsNoExclusion() {
        // Node 1's merge detects reach us, but it never answers a gather: it does not take part.
        for (int change = 1; change <= 3; change++) {
            assertThat(shutOut.admitForeign(1, change * SECOND)).isTrue();
            shutOut.installed(RING, change * SECOND + 1, new Effects());
        }
        assertThat(stats.holdOffsStarted).isZero();
        assertThat(shutOut.holds(1, 4 * SECOND)).isFalse();
    }

    @Test
    void aNodeWhoseJoinsWereTakenInAndThatWasShutOutTwiceIsHeldOff() {
        JoinMessage join = new JoinMessage(1, false, false, new RingId(1, 8), new int[] {1, 2, 3, 4}, new int[0],
                new int[0], new int[0], new int[0]);
        for (int change = 1; change <= 2; change++) {
            assertThat(shutOut.admitJoin(join, null, change * SECOND, new Effects())).isTrue();
            shutOut.installed(RING, change * SECOND + 1, new Effects());
        }
        assertThat(stats.holdOffsStarted).isEqualTo(1);
        assertThat(shutOut.holds(1, 2 * SECOND + 2)).isTrue();
    }
}
