package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeStatusTest {
    @Test
    void levelsAreGaugesAndCountsAreNot() {
        assertThat(NodeStatus.isGauge("submits_pending")).isTrue();
        assertThat(NodeStatus.isGauge("ring_members")).isTrue();
        assertThat(NodeStatus.isGauge("frames_sent_unicast")).isFalse();
        assertThat(NodeStatus.isGauge("token_rotations")).isFalse();
        assertThat(NodeStatus.isGauge("no_such_value")).isFalse();
    }
}
