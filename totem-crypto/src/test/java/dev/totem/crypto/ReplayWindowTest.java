package dev.totem.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.testkit.SeededCases;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    @Test
    void everyCounterIsFreshOnce() {
        ReplayWindow w = new ReplayWindow();
        for (long c = 0; c < 5000; c++) {
            assertThat(w.isFresh(c)).isTrue();
            w.mark(c);
            assertThat(w.isFresh(c)).isFalse();
        }
    }

    @Test
    void reorderedWithinTheWindowIsFreshAndTooOldIsNot() {
        ReplayWindow w = new ReplayWindow();
        w.mark(5000);

        assertThat(w.isFresh(5000 - ReplayWindow.SIZE + 1)).isTrue();
        assertThat(w.isFresh(5000 - ReplayWindow.SIZE)).isFalse();
        assertThat(w.isFresh(4999)).isTrue();
        w.mark(4999);
        assertThat(w.isFresh(4999)).isFalse();
        assertThat(w.top()).isEqualTo(5000);
    }

    @Test
    void aLongJumpForgetsNothingItShouldRemember() {
        ReplayWindow w = new ReplayWindow();
        w.mark(3);
        w.mark(1_000_000);

        // Bits of counter 3 must not linger where counters near the new top map.
        for (long c = 1_000_000 - ReplayWindow.SIZE + 1; c < 1_000_000; c++) {
            assertThat(w.isFresh(c)).isTrue();
        }
    }

    @Test
    void matchesASetOfSeenCounters() {
        // Model: a counter is fresh iff never marked and not SIZE or more below the highest marked.
        SeededCases.run(7_000, 50, (random, seed) -> {
            ReplayWindow w = new ReplayWindow();
            Set<Long> seen = new HashSet<>();
            long top = -1;
            long base = random.nextLong(1L << 40);
            for (int i = 0; i < 2000; i++) {
                long c = base + random.nextLong(Math.max(1, top - base + 1) + 3000);
                boolean expected = !seen.contains(c) && (top < 0 || c > top || top - c < ReplayWindow.SIZE);
                assertThat(w.isFresh(c)).as("counter %d, top %d", c, top).isEqualTo(expected);
                if (expected) {
                    w.mark(c);
                    seen.add(c);
                    top = Math.max(top, c);
                }
            }
        });
    }
}
