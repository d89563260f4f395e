package dev.totem.perf.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.protocol.api.Guarantee;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PhaseLinesTest {
    @Test
    void aPhaseLineRoundTrips() {
        Phase p = new Phase(7, 1600, 2000, 10000, 1234, Guarantee.SAFE, true);
        assertThat(Phase.parse(p.line())).isEqualTo(p);
        assertThat(p.line()).isEqualTo("phase 7 1600 2000 10000 1234 safe 1");
    }

    @Test
    void aPhaseRefusesPayloadsTooSmallForTheStampAndIdsOutOfRange() {
        assertThatThrownBy(() -> new Phase(1, 12, 0, 1, 0, Guarantee.AGREED, true)).hasMessageContaining("at least 13 bytes");
        assertThatThrownBy(() -> new Phase(128, 64, 0, 1, 0, Guarantee.AGREED, true)).hasMessageContaining("1 to 127");
        assertThatThrownBy(() -> Phase.parse("phase 1 64")).hasMessageContaining("not a phase line");
    }

    @Test
    void aResultLineCarriesTheLatencyHistogram() {
        Histogram h = new Histogram(BenchNode.HIGHEST_LATENCY_MICROS, 3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i);
        }
        PhaseResult r = new PhaseResult(3, 50_000, 10.0, 7.5, 20_000, 12, h);
        PhaseResult back = PhaseResult.parse(r.line());
        assertThat(back.delivered()).isEqualTo(50_000);
        assertThat(back.msgsPerSecond()).isEqualTo(5_000.0);
        assertThat(back.cpuSeconds()).isEqualTo(7.5);
        assertThat(back.refused()).isEqualTo(12);
        assertThat(back.latencyMicros().getTotalCount()).isEqualTo(1000);
        assertThat(back.latencyMicros().getValueAtPercentile(50)).isBetween(499L, 501L);
    }

    @Test
    void figuresTakeTheMedianNodeAndMergeLatenciesOfAllNodes() {
        Histogram fast = new Histogram(BenchNode.HIGHEST_LATENCY_MICROS, 3);
        Histogram slow = new Histogram(BenchNode.HIGHEST_LATENCY_MICROS, 3);
        for (int i = 0; i < 99; i++) {
            fast.recordValue(100);
        }
        slow.recordValue(50_000);
        List<PhaseResult> results = List.of(new PhaseResult(1, 30_000, 10, 5, 0, 0, fast),
                new PhaseResult(1, 10_000, 10, 9, 0, 0, slow), new PhaseResult(1, 20_000, 10, 6, 0, 0, new Histogram(3)));
        Figures f = Figures.of(1600, 0, results);
        assertThat(f.medianMsgsPerSecond()).isEqualTo(2_000.0);
        assertThat(f.minMsgsPerSecond()).isEqualTo(1_000.0);
        assertThat(f.maxMsgsPerSecond()).isEqualTo(3_000.0);
        assertThat(f.megabytesPerSecond()).isEqualTo(3.2);
        assertThat(f.medianCpuPercent()).isEqualTo(60.0);
        assertThat(f.p50Micros()).isBetween(99L, 101L);
        assertThat(f.p999Micros()).isGreaterThan(49_000L);
        assertThat(f.latencySamples()).isEqualTo(100);
        assertThat(f.line()).startsWith("size=1600 msgs/s=2000 MB/s=3.2 range=1000..3000 p50=0.10ms");
    }

    @Test
    void theChartPlacesEveryPointAndEscapesText() {
        String svg = LineChartSvg.render("a < b", "x", "y", true, List.of(new LineChartSvg.Series("s",
                List.of(new double[] {64, 100}, new double[] {1600, 50}, new double[] {8000, 10}))));
        assertThat(svg).startsWith("<svg").contains("a &lt; b").endsWith("</svg>\n");
        assertThat(svg.split("<circle", -1)).hasSize(4);
    }
}
