package dev.totem.perf;

import dev.totem.simulator.LatencyModel;
import dev.totem.simulator.NetworkConfig;
import dev.totem.simulator.SimConfig;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.trace.TraceWriter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Simulated frame deliveries per second of real time, on one core: {@link EchoEngine} nodes
 * over a network with 50 µs + exponential 20 µs latency and no trace. The figure to read is
 * {@code run:deliveries} (copies handed to an engine's onPacket, per second).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SimulatorBenchmark {
    private static final long SLICE_NANOS = 1_000_000;

    @Param({"UNICAST", "MULTICAST"})
    public EchoEngine.Pattern pattern;

    @Param({"5"})
    public int nodes;

    /** Frames each node keeps in flight in the unicast pattern. */
    @Param({"8"})
    public int framesPerNode;

    private Simulation simulation;

    /** Deliveries counted per iteration; JMH reports them as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Deliveries {
        public long deliveries;

        @Setup(Level.Iteration)
        public void reset() {
            deliveries = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        NetworkConfig network = NetworkConfig.defaults().withLatency(LatencyModel.exponential(50_000, 20_000));
        simulation = new Simulation(SimConfig.defaults().withNetwork(network), 1,
                (nodeId, store, random) -> new EchoEngine(nodeId, nodes, pattern, framesPerNode, random),
                TraceWriter.nowhere());
        for (int nodeId = 1; nodeId <= nodes; nodeId++) {
            simulation.addNodes(nodeId);
        }
    }

    /** Runs one millisecond of virtual time. */
    @Benchmark
    public void run(Deliveries counter) {
        long before = simulation.networkStats(0).delivered();
        simulation.runFor(SLICE_NANOS);
        counter.deliveries += simulation.networkStats(0).delivered() - before;
    }
}
