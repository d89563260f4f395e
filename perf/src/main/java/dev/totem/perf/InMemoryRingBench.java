package dev.totem.perf;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.srp.FixedRingEngine;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Three ordering engines wired in memory on one thread (no sockets, no loss, no timers): every
 * node sends {@link #MESSAGES} messages of {@code size} bytes per invocation, as fast as flow
 * control admits. The score is messages delivered per second per node (each node delivers every
 * node's messages), so it is the ceiling the protocol code itself puts on throughput.
 *
 * <p>Run: {@code ./totem jmh InMemoryRingBench -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InMemoryRingBench {
    static final int NODES = 3;
    static final int MESSAGES = 20_000;

    @Param({"64"})
    public int size;

    private FixedRingEngine[] engines;
    private final ArrayDeque<Object> network = new ArrayDeque<>();
    private long delivered;
    private long tokens;
    private byte[] payload;

    /** Messages the ring delivers per token rotation (each node's deliveries over its token visits). */
    public double messagesPerRotation() {
        double rotations = (double) tokens / NODES;
        return rotations == 0 ? 0 : delivered / (double) NODES / rotations;
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%nmessages per token rotation: %.1f%n", messagesPerRotation());
    }

    @Setup(Level.Trial)
    public void setUp() {
        int[] ids = {1, 2, 3};
        engines = new FixedRingEngine[NODES];
        TotemConfig config = TotemConfig.defaults();
        for (int i = 0; i < NODES; i++) {
            engines[i] = new FixedRingEngine(config, ids[i], ids);
        }
        payload = new byte[size];
        for (FixedRingEngine e : engines) {
            apply(e.nodeId(), e.start(0));
        }
    }

    @Benchmark
    @OperationsPerInvocation(NODES * MESSAGES)
    public long ring() {
        int[] sent = new int[NODES];
        long target = delivered + (long) NODES * NODES * MESSAGES;
        while (delivered < target) {
            for (int i = 0; i < NODES; i++) {
                while (sent[i] < MESSAGES) {
                    Effects fx = engines[i].submit(0, payload, Guarantee.AGREED);
                    if (fx.submitStatus() != SubmitStatus.ACCEPTED) {
                        break;
                    }
                    sent[i]++;
                    apply(i + 1, fx);
                }
            }
            pump(NODES * 64);
        }
        return delivered;
    }

    private void pump(int maxPackets) {
        for (int n = 0; n < maxPackets && !network.isEmpty(); n++) {
            int to = (Integer) network.poll();
            byte[] frame = (byte[]) network.poll();
            apply(to, engines[to - 1].onPacket(0, ByteBuffer.wrap(frame)));
        }
    }

    private void send(int node, int destination, byte[] frame) {
        if (destination == Effect.MULTICAST) {
            for (int to = 1; to <= NODES; to++) {
                if (to != node) {
                    network.add(to);
                    network.add(frame);
                }
            }
        } else {
            tokens++;
            network.add(destination);
            network.add(frame);
        }
    }

    private void apply(int node, Effects fx) {
        for (Effect effect : fx.list()) {
            if (effect instanceof Effect.Send s) {
                send(node, s.destination(), s.frame());
            } else if (effect instanceof Effect.SendOn s) {
                send(node, s.destination(), s.frame()); // one network here: every index is the same wire
            } else if (effect instanceof Effect.Deliver) {
                delivered++;
            }
        }
    }
}
