package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PauseDetectorTest {
    private static final long MS = 1_000_000L;

    @Test
    void aRunLaterThanThePeriodByMoreThanTheThresholdIsAPause() {
        PauseDetector d = new PauseDetector(200 * MS, 500 * MS);
        assertThat(d.onTick(1_000 * MS)).as("the first run has nothing to compare with").isZero();
        assertThat(d.onTick(1_210 * MS)).as("a little late").isZero();
        assertThat(d.onTick(1_910 * MS)).as("late by 500 ms: not over the threshold").isZero();
        assertThat(d.onTick(4_110 * MS)).as("stopped for two seconds").isEqualTo(2_000 * MS);
        assertThat(d.onTick(4_310 * MS)).as("on time again").isZero();
    }

    @Test
    void theBoundsMustBePositive() {
        assertThatThrownBy(() -> new PauseDetector(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PauseDetector(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
