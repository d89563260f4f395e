package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.wire.DecodeStatus;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RejectionDeltasTest {
    @Test
    void eachReadNamesWhatGrewSinceTheLastInEnumOrder() {
        Map<DecodeStatus, Long> counters = new EnumMap<>(DecodeStatus.class);
        RejectionDeltas<DecodeStatus> deltas = new RejectionDeltas<>(DecodeStatus.class);
        assertThat(deltas.since(counters)).as("nothing counted yet").isNull();

        counters.put(DecodeStatus.LENGTH_MISMATCH, 2L);
        counters.put(DecodeStatus.UNKNOWN_VERSION, 5L);
        assertThat(deltas.since(counters)).isEqualTo(new RejectionDeltas.Grown(7, "unknown_version 5, length_mismatch 2"));

        counters.put(DecodeStatus.UNKNOWN_VERSION, 6L); // the same live map grew by one
        assertThat(deltas.since(counters)).isEqualTo(new RejectionDeltas.Grown(1, "unknown_version 1"));
        assertThat(deltas.since(counters)).as("nothing grew since").isNull();
    }
}
