package dev.totem.perf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes a run's figures: {@code bench.json}, {@code bench-throughput.svg}, {@code bench-latency.svg} (sweep). */
final class BenchReport {
    private BenchReport() {}

    static Path write(BenchRun.Options o, List<Figures> bySize, List<Figures> sweep) throws IOException {
        StringBuilder j = new StringBuilder();
        j.append(String.format(Locale.ROOT, "{\"nodes\":%d,\"senders\":%d,\"transport\":\"%s\",\"crypto\":%s,\"guarantee\":\"%s\","
                + "\"seconds\":%d,\"warmup_seconds\":%d,%n\"sizes\":[", o.nodes(), o.senders(), o.transport(), o.keyFile().isPresent(),
                o.guarantee().name().toLowerCase(Locale.ROOT), o.seconds(), o.warmupSeconds()));
        appendAll(j, bySize);
        j.append("],\n\"sweep\":[");
        appendAll(j, sweep);
        j.append("]}\n");
        Path json = o.dir().resolve("bench.json");
        Files.writeString(json, j);
        List<double[]> throughput = new ArrayList<>();
        for (Figures f : bySize) {
            throughput.add(new double[] {f.sizeBytes(), f.medianMsgsPerSecond()});
        }
        Files.writeString(o.dir().resolve("bench-throughput.svg"), LineChartSvg.render(
                "Delivered messages per second per node (" + o.nodes() + " nodes, " + o.senders() + " senders)",
                "payload size (bytes)", "msgs/s per node", true, List.of(new LineChartSvg.Series("totem", throughput))));
        if (!sweep.isEmpty()) {
            List<double[]> p50 = new ArrayList<>();
            List<double[]> p99 = new ArrayList<>();
            for (Figures f : sweep) {
                p50.add(new double[] {f.offeredPerSecond(), f.p50Micros() / 1e3});
                p99.add(new double[] {f.offeredPerSecond(), f.p99Micros() / 1e3});
            }
            Files.writeString(o.dir().resolve("bench-latency.svg"), LineChartSvg.render(
                    "Delivery latency against offered load (" + sweep.get(0).sizeBytes() + " B)", "offered msgs/s (all senders)",
                    "latency (ms)", false, List.of(new LineChartSvg.Series("p50", p50), new LineChartSvg.Series("p99", p99))));
        }
        return json;
    }

    private static void appendAll(StringBuilder j, List<Figures> figures) {
        for (int i = 0; i < figures.size(); i++) {
            j.append(i == 0 ? "\n  " : ",\n  ").append(figures.get(i).json());
        }
    }
}
