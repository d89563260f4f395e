package dev.totem.locks.bench;

import dev.totem.locks.baseline.LockClient;
import dev.totem.locks.baseline.LockServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Locks per second (an acquire and its release) and acquire latency, replicated over CPG and
 * client/server, measured the same way: {@code clients} closed loops, each on its own lock
 * (uncontended: the figure is the service's capacity, not a queue's), a warm-up, then a window.
 * Replicated, the loops run in {@link LocksNode} processes of a {@link LocksCluster}.
 */
public final class LocksBench {

    private LocksBench() {}

    /**
     * The outcome of one mode.
     *
     * @param locks acquire+release pairs completed in the window
     * @param seconds the window
     * @param latencyMicros acquire latency: from the call until the grant
     * @param failures acquires that failed (the loop goes on with a new one)
     * @param firstFailure why the first failed, or null
     * @param cpuSeconds CPU time the service's processes spent in the window, all of them; NaN when not measured
     */
    public record Figures(long locks, double seconds, Histogram latencyMicros, long failures, String firstFailure,
            double cpuSeconds) {
        /** Locks per second. */
        public double rate() {
            return locks / seconds;
        }

        /** One line: rate and latency percentiles. */
        public String summary() {
            return String.format("%.0f locks/s, acquire latency us p50=%d p90=%d p99=%d p99.9=%d max=%d", rate(),
                    latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(90),
                    latencyMicros.getValueAtPercentile(99), latencyMicros.getValueAtPercentile(99.9),
                    latencyMicros.getMaxValue())
                    + (Double.isNaN(cpuSeconds) || locks == 0 ? "" : String.format(", CPU %.1f us per lock (all nodes)",
                            cpuSeconds * 1e6 / locks))
                    + (failures == 0 ? "" : ", " + failures + " acquires failed, first: " + firstFailure);
        }
    }

    // ------------------------------------------------------------------ client/server

    /** {@code clients} threads, each a blocking {@link LockClient} of the {@link LockServer} at {@code server}. */
    public static Figures clientServer(InetSocketAddress server, int clients, Duration warmUp, Duration window)
            throws Exception {
        Window w = new Window();
        List<Thread> threads = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        long[] counts = new long[clients];
        List<LockClient> connections = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            connections.add(new LockClient(server));
        }
        for (int i = 0; i < clients; i++) {
            int index = i;
            Histogram h = new Histogram(3);
            histograms.add(h);
            LockClient c = connections.get(i);
            Thread t = new Thread(() -> {
                String name = "lock-" + index;
                try {
                    while (!w.over()) {
                        long t0 = System.nanoTime();
                        LockClient.Grant g = c.acquire(name);
                        long t1 = System.nanoTime();
                        c.release(name, g);
                        if (w.open()) {
                            h.recordValue((t1 - t0) / 1_000);
                            counts[index]++;
                        }
                    }
                } catch (IOException e) {
                    w.fail(e);
                }
            }, "lock-client-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        w.run(warmUp, window);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        for (LockClient c : connections) {
            c.close();
        }
        w.check();
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return new Figures(total, w.seconds(), merge(histograms), 0, null, Double.NaN);
    }

    // ------------------------------------------------------------------ replicated

    /**
     * {@code clients} closed loops spread over the nodes of {@code cluster} (each node's share on
     * its one lock service, as the founding design has it: every node holds the table once),
     * {@code warmUp} then {@code window}.
     */
    public static Figures replicated(LocksCluster cluster, int nodes, int clients, Duration warmUp, Duration window)
            throws IOException, InterruptedException {
        int first = 0;
        for (int node = 1; node <= nodes; node++) {
            int mine = clients / nodes + (node <= clients % nodes ? 1 : 0);
            cluster.send(node, "bench " + mine + " " + first + " " + warmUp.toMillis() + " " + window.toMillis());
            first += mine;
        }
        Duration wait = warmUp.plus(window).plus(LocksCluster.FORM_TIMEOUT);
        long total = 0;
        long failures = 0;
        long cpuNanos = 0;
        String firstFailure = null;
        List<Histogram> histograms = new ArrayList<>();
        for (int node = 1; node <= nodes; node++) {
            String[] w = cluster.awaitLine(node, l -> l.startsWith("RESULT "), wait).split(" ", 6);
            total += Long.parseLong(w[1]);
            failures += Long.parseLong(w[2]);
            cpuNanos += Long.parseLong(w[3]);
            try {
                histograms.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(w[4])), 0));
            } catch (DataFormatException e) {
                throw new IOException("node " + node + " sent a histogram that does not decode", e);
            }
            if (firstFailure == null && !w[5].equals("-")) {
                firstFailure = w[5];
            }
        }
        return new Figures(total, window.toNanos() / 1e9, merge(histograms), failures, firstFailure, cpuNanos / 1e9);
    }

    private static Histogram merge(List<Histogram> hs) {
        Histogram all = new Histogram(3);
        for (Histogram h : hs) {
            all.add(h);
        }
        return all;
    }

    /** The warm-up and the measured window, as the clients see them. */
    private static final class Window {
        private volatile boolean open;
        private volatile boolean over;
        private volatile Throwable failure;
        private long startedNanos;
        private long endedNanos;

        boolean open() {
            return open;
        }

        boolean over() {
            return over;
        }

        void fail(Throwable t) {
            failure = t;
            over = true;
        }

        void run(Duration warmUp, Duration window) throws InterruptedException {
            sleepUntil(System.nanoTime() + warmUp.toNanos());
            startedNanos = System.nanoTime();
            open = true;
            sleepUntil(startedNanos + window.toNanos());
            open = false;
            endedNanos = System.nanoTime();
            over = true;
        }

        private void sleepUntil(long deadline) {
            long left;
            while ((left = deadline - System.nanoTime()) > 0 && !over) {
                LockSupport.parkNanos(left);
            }
        }

        double seconds() {
            return (endedNanos - startedNanos) / 1e9;
        }

        void check() {
            if (failure != null) {
                throw new IllegalStateException("a client failed", failure);
            }
        }
    }
}
