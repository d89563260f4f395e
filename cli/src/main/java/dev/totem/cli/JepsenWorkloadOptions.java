package dev.totem.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options {@code ./totem jepsen} hands each process it starts ({@code jepsen-node},
 * {@code jepsen-client}): the run's clock, the process's trace file, and its workload's pace,
 * guarantee mix and seed.
 */
final class JepsenWorkloadOptions {
    @Option(names = "--epoch-micros", required = true, description = "The run's epoch, wall-clock microseconds.")
    long epochMicros;

    @Option(names = "--trace", required = true, description = "The trace file this process writes.")
    Path trace;

    @Option(names = "--rate", defaultValue = "100", description = "Workload steps (messages) a second.")
    int rate;

    @Option(names = "--safe-ratio", defaultValue = "0.3", description = "Share of messages with safe delivery.")
    double safeRatio;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the workload's choices.")
    long seed;
}
