package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.TotemConfig;
import org.junit.jupiter.api.Test;

class MergeWaitTest {
    @Test
    void theEndWaitCoversTheLongestHoldOnceItOutgrowsNinetySeconds() {
        // 5 nodes: token 2950 ms, consensus 3540, longest hold 56.6 s: the usual 90 s.
        assertThat(JepsenRun.mergeWaitMs(TotemConfig.fromToken(2950, 1500))).isEqualTo(JepsenRun.CONVERGE_TIMEOUT_MS);
        // 8 nodes: token 4900 ms, consensus 5880, longest hold 94.08 s, two consensus timeouts and 10 s more.
        assertThat(JepsenRun.mergeWaitMs(TotemConfig.fromToken(4900, 1500))).isEqualTo(94_080 + 11_760 + 10_000);
    }
}
