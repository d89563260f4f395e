package dev.totem.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RandomStreamsTest {

    @Test
    void aStreamDependsOnlyOnTheSeedAndItsUse() {
        RandomStreams streams = new RandomStreams(42);
        long node3 = streams.node(3, 0).nextLong();
        streams.node(4, 0).nextLong();
        streams.named("workload").nextLong();
        assertThat(new RandomStreams(42).node(3, 0).nextLong()).isEqualTo(node3);
        assertThat(new RandomStreams(42).named("workload").nextLong())
                .isEqualTo(new RandomStreams(42).named("workload").nextLong());
    }

    @Test
    void differentUsesGetDifferentStreams() {
        RandomStreams streams = new RandomStreams(42);
        assertThat(streams.node(3, 0).nextLong())
                .isNotEqualTo(streams.node(3, 1).nextLong())
                .isNotEqualTo(streams.node(4, 0).nextLong())
                .isNotEqualTo(streams.network(3).nextLong())
                .isNotEqualTo(new RandomStreams(43).node(3, 0).nextLong());
        assertThat(streams.named("workload").nextLong()).isNotEqualTo(streams.named("faults").nextLong());
    }
}
