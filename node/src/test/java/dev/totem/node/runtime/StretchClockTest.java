package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StretchClockTest {
    /** A clock that moves 1,000 ns at every reading and counts them. */
    private static final class CountingClock {
        long now;
        int reads;

        long read() {
            reads++;
            now += 1_000;
            return now;
        }
    }

    @Test
    void inputsOfAStretchShareAReadingUntilItIsUsedUp() {
        CountingClock c = new CountingClock();
        StretchClock clock = new StretchClock(c::read, 64);
        clock.newStretch();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 200; i++) {
            long t = clock.nowNanos();
            assertThat(t).as("input %d", i).isGreaterThanOrEqualTo(previous);
            assertThat(t).as("input %d reads the reading of its group of 64", i).isEqualTo(1_000L * (i / 64 + 1));
            previous = t;
        }
        assertThat(c.reads).isEqualTo(4);
    }

    @Test
    void aNewStretchReadsTheClockAgain() {
        CountingClock c = new CountingClock();
        StretchClock clock = new StretchClock(c::read, 64);
        assertThat(clock.nowNanos()).isEqualTo(1_000);
        assertThat(clock.nowNanos()).isEqualTo(1_000);
        clock.newStretch();
        assertThat(clock.nowNanos()).isEqualTo(2_000);
        assertThat(c.reads).isEqualTo(2);
    }

    @Test
    void oneInputPerReadReadsEveryTime() {
        CountingClock c = new CountingClock();
        StretchClock clock = new StretchClock(c::read, 1);
        assertThat(clock.nowNanos()).isEqualTo(1_000);
        assertThat(clock.nowNanos()).isEqualTo(2_000);
        assertThatThrownBy(() -> new StretchClock(c::read, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
