package dev.totem.cli;

import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.TotemNode;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One node process of {@code ./totem demo} (hidden): runs a node with CPG from the demo's
 * configuration and, inside the same process, a CPG client that joins group {@value #GROUP},
 * multicasts a mix of agreed and safe messages at a modest rate, appends the id of every
 * delivered message to a file, and reports configuration changes and progress on stdout, one line each,
 * for the parent to relay. SIGTERM stops submitting and leaves the ring cleanly.
 */
@Command(name = "demo-node", hidden = true, description = "One node process of ./totem demo.")
public final class DemoNodeCommand implements Callable<Integer> {
    /** The group the demo's processes multicast to. */
    static final String GROUP = "demo";

    @Mixin
    private NodeProcessOptions nodeOptions;

    @Option(names = "--deliveries", required = true, description = "File the delivered message ids are appended to.")
    private Path deliveries;

    @Option(names = "--rate", defaultValue = "200", description = "Messages submitted per second.")
    private int rate;

    @Option(names = "--safe-ratio", defaultValue = "0.3")
    private double safeRatio;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        int nodeId = nodeOptions.nodeId;
        BufferedWriter ids = Files.newBufferedWriter(deliveries, StandardCharsets.UTF_8);
        AtomicLong delivered = new AtomicLong();
        AtomicBoolean submitting = new AtomicBoolean(true);
        TotemNode node = new TotemNode(nodeOptions.settings(true));
        node.addListener(new dev.totem.node.runtime.NodeListener() {
            @Override
            public void onDeliver(Effect.Deliver d) {
                // Every message of a CPG ring belongs to the service: none reach node listeners.
            }

            @Override
            public void onConfigurationChange(Effect.ConfigurationChange c) {
                out.println(ConfigLine.of(c));
                out.flush();
            }
        });
        // The demo's process: a CPG client inside the node process, in group "demo".
        CpgListener deliveries = new CpgListener() {
            @Override
            public void onDeliver(CpgEvent.Deliver d) {
                synchronized (ids) {
                    try {
                        ids.write(new String(d.payload(), 0, idLength(d.payload()), StandardCharsets.UTF_8));
                        ids.write('\n');
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                delivered.incrementAndGet();
            }

            @Override
            public void onConfchg(CpgEvent.Confchg c) {
                out.println("CONFCHG " + c.group() + " members " + c.members() + " left " + c.left() + " joined " + c.joined());
                out.flush();
            }
        };
        CountDownLatch stopped = new CountDownLatch(1);
        ScheduledExecutorService workload = Executors.newSingleThreadScheduledExecutor();
        AtomicLong sent = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        SplittableRandom random = new SplittableRandom(nodeId * 7919L + System.nanoTime());
        String incarnation = Long.toString(System.currentTimeMillis() % 100_000, 36);
        node.start();
        CpgHandle handle = node.cpg().orElseThrow().open(deliveries);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            submitting.set(false);
            workload.shutdown();
            try {
                workload.awaitTermination(2, TimeUnit.SECONDS);
                handle.close();
            } catch (Exception e) {
                // leaving anyway
            }
            try {
                node.leave().get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                node.close();
            }
            synchronized (ids) {
                try {
                    ids.flush();
                } catch (java.io.IOException ignored) {
                    // the parent notices a short file
                }
            }
            out.println("DONE delivered=" + delivered.get() + " submitted=" + sent.get());
            out.flush();
            stopped.countDown();
        }, "demo-node-shutdown"));
        AtomicBoolean joined = new AtomicBoolean();
        long periodMicros = 1_000_000L / Math.max(1, rate);
        workload.scheduleAtFixedRate(() -> {
            if (!submitting.get()) {
                return;
            }
            if (!joined.get()) {
                // TRY_AGAIN while the ring forms: the next tick tries again.
                joined.set(handle.join(GROUP).ok());
                return;
            }
            // A refused multicast (TRY_AGAIN: the node's inbox is full) is not retried: the next tick sends a new message.
            String id = "n" + nodeId + "." + incarnation + "-" + attempts.getAndIncrement();
            byte[] payload = Arrays.copyOf(id.getBytes(StandardCharsets.UTF_8), 100);
            Guarantee g = random.nextDouble() < safeRatio ? Guarantee.SAFE : Guarantee.AGREED;
            if (handle.mcast(GROUP, payload, g).ok()) {
                sent.incrementAndGet();
            }
        }, 500_000, periodMicros, TimeUnit.MICROSECONDS);
        workload.scheduleAtFixedRate(() -> {
            synchronized (ids) {
                try {
                    ids.flush();
                } catch (java.io.IOException ignored) {
                    // reported at the end
                }
            }
            out.println("PROGRESS delivered=" + delivered.get() + " submitted=" + sent.get());
            out.flush();
        }, 1, 1, TimeUnit.SECONDS);
        stopped.await();
        return 0;
    }

    /** Ids are NUL-padded to the payload size. */
    private static int idLength(byte[] payload) {
        int n = 0;
        while (n < payload.length && payload[n] != 0) {
            n++;
        }
        return n;
    }
}
