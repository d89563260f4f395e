package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeLogTest {
    @Test
    void aLimiterLetsOneLinePerSecondThroughAndCountsTheRest() {
        NodeLog.Limiter limiter = new NodeLog.Limiter();

        assertThat(limiter.admit(0)).isZero();
        assertThat(limiter.admit(1)).isEqualTo(-1);
        assertThat(limiter.admit(NodeLog.RATE_LIMIT_NANOS - 1)).isEqualTo(-1);
        assertThat(limiter.admit(NodeLog.RATE_LIMIT_NANOS)).isEqualTo(2);
        assertThat(limiter.admit(3 * NodeLog.RATE_LIMIT_NANOS)).isZero();
    }
}
