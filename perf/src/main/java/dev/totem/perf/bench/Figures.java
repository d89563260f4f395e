package dev.totem.perf.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * One phase's results over all nodes: per-node delivered rate (median and range), bandwidth,
 * latency percentiles of every delivery everywhere, CPU per node.
 *
 * @param sizeBytes payload size
 * @param offeredPerSecond messages per second offered by all senders together; 0 when unpaced
 * @param medianMsgsPerSecond median over nodes of delivered messages per second
 * @param minMsgsPerSecond slowest node
 * @param maxMsgsPerSecond fastest node
 * @param p50Micros median delivery latency
 * @param p99Micros 99th percentile
 * @param p999Micros 99.9th percentile
 * @param medianCpuPercent median over nodes of CPU time per wall time, in percent of one core
 * @param latencySamples deliveries timed
 */
public record Figures(int sizeBytes, long offeredPerSecond, double medianMsgsPerSecond, double minMsgsPerSecond,
        double maxMsgsPerSecond, long p50Micros, long p99Micros, long p999Micros, double medianCpuPercent,
        long latencySamples) {

    /** Sums up {@code results}, one per node. */
    static Figures of(int sizeBytes, long offeredPerSecond, List<PhaseResult> results) {
        List<Double> rates = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        Histogram all = new Histogram(BenchNode.HIGHEST_LATENCY_MICROS, 3);
        for (PhaseResult r : results) {
            rates.add(r.msgsPerSecond());
            cpu.add(100 * r.cpuSeconds() / r.seconds());
            all.add(r.latencyMicros());
        }
        rates.sort(null);
        cpu.sort(null);
        return new Figures(sizeBytes, offeredPerSecond, median(rates), rates.get(0), rates.get(rates.size() - 1),
                all.getValueAtPercentile(50), all.getValueAtPercentile(99), all.getValueAtPercentile(99.9), median(cpu),
                all.getTotalCount());
    }

    /** Megabytes (10^6) of payload per second delivered at the median node. */
    public double megabytesPerSecond() {
        return medianMsgsPerSecond * sizeBytes / 1e6;
    }

    /** The line the tool prints for this phase. */
    public String line() {
        return String.format(Locale.ROOT,
                "size=%d msgs/s=%.0f MB/s=%.1f range=%.0f..%.0f p50=%.2fms p99=%.2fms p99.9=%.2fms cpu/node=%.0f%%%s",
                sizeBytes, medianMsgsPerSecond, megabytesPerSecond(), minMsgsPerSecond, maxMsgsPerSecond, p50Micros / 1e3,
                p99Micros / 1e3, p999Micros / 1e3, medianCpuPercent, offeredPerSecond > 0 ? " offered=" + offeredPerSecond : "");
    }

    /** One JSON object. */
    String json() {
        return String.format(Locale.ROOT, "{\"size\":%d,\"offered_per_s\":%d,\"msgs_per_s_median\":%.1f,\"msgs_per_s_min\":%.1f,"
                + "\"msgs_per_s_max\":%.1f,\"mb_per_s\":%.3f,\"latency_us\":{\"p50\":%d,\"p99\":%d,\"p999\":%d,\"samples\":%d},"
                + "\"cpu_percent_median\":%.1f}", sizeBytes, offeredPerSecond, medianMsgsPerSecond, minMsgsPerSecond,
                maxMsgsPerSecond, megabytesPerSecond(), p50Micros, p99Micros, p999Micros, latencySamples, medianCpuPercent);
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
