package dev.totem.perf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyTimelineTest {
    private static final long START = 1_700_000_000_000_000L; // 2023-11-14T22:13:20Z

    @Test
    void eachMessageLandsInTheSlotOfItsDeliveryTimeAndTheSlotKeepsItsLongestLatency() {
        LatencyTimeline t = new LatencyTimeline();
        t.reset(START, 1_000_000);
        t.record(START + 50_000, 300);
        t.record(START + 99_999, 900);
        t.record(START + 100_000, 200);
        t.record(START + 950_000, 12_000);

        assertThat(t.slots()).isEqualTo(10);
        assertThat(t.delivered(0)).isEqualTo(2);
        assertThat(t.maxLatencyMicros(0)).isEqualTo(900);
        assertThat(t.delivered(1)).isEqualTo(1);
        assertThat(t.maxLatencyMicros(9)).isEqualTo(12_000);
    }

    @Test
    void deliveriesBeforeOrAfterTheWindowLandInItsFirstOrLastSlot() {
        LatencyTimeline t = new LatencyTimeline();
        t.reset(START, 250_000);
        t.record(START - 5_000, 1);
        t.record(START + 10_000_000, 2);

        assertThat(t.slots()).isEqualTo(3);
        assertThat(t.delivered(0)).isEqualTo(1);
        assertThat(t.delivered(2)).isEqualTo(1);
        assertThat(t.maxLatencyMicros(2)).isEqualTo(2);
    }

    @Test
    void theLogLineNamesTheLateSlotsAndTheSlowOnesByTime() {
        LatencyTimeline t = new LatencyTimeline();
        t.reset(START, 500_000);
        for (int slot = 0; slot < 5; slot++) {
            int messages = slot == 3 ? 10 : 100; // slot 3 delivered a tenth of the others
            for (int i = 0; i < messages; i++) {
                t.record(START + slot * 100_000 + i, slot == 1 ? 7_500 : 400);
            }
        }

        String line = t.describe(5_000);

        assertThat(line).contains("median 100 stamped msgs a slot")
                .contains("2023-11-14T22:13:20.100Z max=7.5ms n=100")
                .contains("2023-11-14T22:13:20.300Z max=0.4ms n=10")
                .doesNotContain("22:13:20Z")
                .doesNotContain(".200Z")
                .doesNotContain(".400Z");
    }

    @Test
    void aQuietWindowSaysSo() {
        LatencyTimeline t = new LatencyTimeline();
        t.reset(START, 200_000);
        t.record(START + 1, 100);
        t.record(START + 100_001, 100);

        assertThat(t.describe(5_000)).endsWith("none late or slow");
    }

    @Test
    void aTimelineNeverResetTakesDeliveriesWithoutFailing() {
        LatencyTimeline t = new LatencyTimeline(); // the thrown-away one of warm-up is never reset
        t.record(START, 5);

        assertThat(t.delivered(0)).isEqualTo(1);
    }
}
