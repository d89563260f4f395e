package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.RingId;
import org.junit.jupiter.api.Test;

class ConfigLineTest {
    @Test
    void aConfigurationChangeRoundTripsThroughItsLine() {
        Effect.ConfigurationChange change = new Effect.ConfigurationChange(Effect.ConfigurationKind.REGULAR,
                new RingId(1, 9), new int[] {1, 2, 3}, new int[0], new int[] {3});
        String line = ConfigLine.of(change);
        assertThat(line).isEqualTo("CONFIG regular 1:9 [1, 2, 3]");
        ConfigLine parsed = ConfigLine.parse(line).orElseThrow();
        assertThat(parsed).isEqualTo(new ConfigLine("regular", "1:9", "[1, 2, 3]"));
        assertThat(parsed.regular()).isTrue();
    }

    @Test
    void otherLinesAreNotConfigurations() {
        assertThat(ConfigLine.parse("PROGRESS delivered=3")).isEmpty();
        assertThat(ConfigLine.parse("CONFIG regular")).isEmpty();
        assertThat(ConfigLine.parse("CONFIG transitional 1:9 [1, 2]").orElseThrow().regular()).isFalse();
    }
}
