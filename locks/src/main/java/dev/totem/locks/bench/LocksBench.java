package dev.totem.locks.bench;

import dev.totem.locks.LockConfig;
import dev.totem.locks.LockReplica;
import dev.totem.locks.LockService;
import dev.totem.locks.baseline.LockClient;
import dev.totem.locks.baseline.LockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Locks per second (an acquire and its release) and acquire latency, replicated over CPG and
 * client/server, measured the same way: {@code clients} closed loops, each on its own lock
 * (uncontended: the figure is the service's capacity, not a queue's), a warm-up, then a window.
 */
public final class LocksBench {
    /** The warm-up before each window. */
    public static final Duration WARM_UP = Duration.ofSeconds(1);
    private static final long JOIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** The pid of each node's lock service process. */
    private static final int PID = 1000;

    private LocksBench() {}

    /**
     * The outcome of one mode.
     *
     * @param locks acquire+release pairs completed in the window
     * @param seconds the window
     * @param latencyMicros acquire latency: from the call until the grant
     * @param failures acquires that failed (the loop goes on with a new one)
     * @param firstFailure why the first failed, or null
     */
    public record Figures(long locks, double seconds, Histogram latencyMicros, long failures, String firstFailure) {
        /** Locks per second. */
        public double rate() {
            return locks / seconds;
        }

        /** One line: rate and latency percentiles. */
        public String summary() {
            return String.format("%.0f locks/s, acquire latency us p50=%d p90=%d p99=%d p99.9=%d max=%d", rate(),
                    latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(90),
                    latencyMicros.getValueAtPercentile(99), latencyMicros.getValueAtPercentile(99.9),
                    latencyMicros.getMaxValue()) + (failures == 0 ? "" : ", " + failures + " acquires failed, first: " + firstFailure);
        }
    }

    // ------------------------------------------------------------------ client/server

    /** {@code clients} threads, each a blocking {@link LockClient} of one {@link LockServer} over loopback TCP. */
    public static Figures clientServer(int clients, Duration window) throws Exception {
        try (LockServer server = LockServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Window w = new Window();
            List<Thread> threads = new ArrayList<>();
            List<Histogram> histograms = new ArrayList<>();
            long[] counts = new long[clients];
            List<LockClient> connections = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                connections.add(new LockClient(server.address()));
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
            w.run(window);
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
            return new Figures(total, w.seconds(), merge(histograms), 0, null);
        }
    }

    // ------------------------------------------------------------------ replicated

    /** One benchmark client: a lock service in a closed loop on its own lock. Confined to its node's thread. */
    private static final class Looper {
        final LockService service;
        final String name;
        final Window window;
        final Histogram histogram;
        long count;
        long failures;
        String firstFailure;
        long started;

        Looper(LockService service, String name, Window window, Histogram histogram) {
            this.service = service;
            this.name = name;
            this.window = window;
            this.histogram = histogram;
        }

        void next() {
            if (window.over()) {
                return;
            }
            started = System.nanoTime();
            service.acquire(name).whenComplete((lease, failure) -> {
                if (failure != null && window.open()) {
                    failures++;
                    if (firstFailure == null) {
                        firstFailure = String.valueOf(failure.getCause() != null ? failure.getCause() : failure);
                    }
                } else if (failure == null) {
                    long now = System.nanoTime();
                    lease.release();
                    if (window.open()) {
                        histogram.recordValue((now - started) / 1_000);
                        count++;
                    }
                }
                next();
            });
        }
    }

    /**
     * {@code clients} closed loops spread over the nodes of {@code cluster}, on one lock service
     * per node; acquires and releases go {@code config.requestGuarantee()}.
     */
    public static Figures replicated(CpgCluster cluster, int clients, Duration window, LockConfig config) throws Exception {
        int nodes = cluster.nodes();
        Window w = new Window();
        List<List<Looper>> perNode = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        for (int node = 1; node <= nodes; node++) {
            perNode.add(new ArrayList<>());
            histograms.add(new Histogram(3));
        }
        // One replica per node, as the founding design has it: the node's clients share its
        // lock service, each looping on its own lock with one request in flight.
        List<LockService> services = new ArrayList<>();
        for (int node = 1; node <= nodes; node++) {
            services.add(openService(cluster, node, config));
        }
        for (int i = 0; i < clients; i++) {
            int node = i % nodes + 1;
            perNode.get(node - 1).add(new Looper(services.get(node - 1), "lock-" + i, w, histograms.get(node - 1)));
        }
        for (int node = 1; node <= nodes; node++) {
            List<Looper> mine = perNode.get(node - 1);
            LockService service = services.get(node - 1);
            cluster.ticker(node, service::pump);
        }
        awaitSynced(cluster, services, config.group());
        for (int node = 1; node <= nodes; node++) {
            List<Looper> mine = perNode.get(node - 1);
            onNode(cluster, node, opener -> {
                mine.forEach(Looper::next);
                return null;
            });
        }
        w.run(window);
        for (int node = 1; node <= nodes; node++) {
            LockService service = services.get(node - 1);
            onNode(cluster, node, opener -> {
                service.close();
                return null;
            });
        }
        long total = 0;
        long failures = 0;
        String[] failureSeen = new String[1];
        for (int node = 1; node <= nodes; node++) {
            List<Looper> mine = perNode.get(node - 1);
            long[] got = onNode(cluster, node, opener -> {
                long c = 0;
                long f = 0;
                for (Looper l : mine) {
                    c += l.count;
                    f += l.failures;
                    if (l.firstFailure != null && failureSeen[0] == null) {
                        failureSeen[0] = l.firstFailure;
                    }
                }
                return new long[] {c, f};
            });
            total += got[0];
            failures += got[1];
        }
        if (cluster.failure() != null) {
            throw new IllegalStateException("a node failed", cluster.failure());
        }
        // Histograms were written on the nodes' threads, which the last onNode calls ordered before this read.
        return new Figures(total, w.seconds(), merge(histograms), failures, failureSeen[0]);
    }

    /** Opens node {@code node}'s lock service, again while the node answers TRY_AGAIN (it is not in a ring yet). */
    private static LockService openService(CpgCluster cluster, int node, LockConfig config) throws Exception {
        long deadline = System.nanoTime() + JOIN_TIMEOUT_NANOS;
        while (true) {
            LockService s = onNode(cluster, node, opener -> {
                LockService opened = LockService.open(l -> opener.open(PID, l), config);
                if (opened.joinError() != null) {
                    opened.close();
                    return null;
                }
                return opened;
            });
            if (s != null) {
                return s;
            }
            if (System.nanoTime() - deadline > 0 || cluster.failure() != null) {
                throw new IllegalStateException("node " + node + " did not accept a join within 30 s", cluster.failure());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static void awaitSynced(CpgCluster cluster, List<LockService> services, String group) throws Exception {
        long deadline = System.nanoTime() + JOIN_TIMEOUT_NANOS;
        while (true) {
            boolean all = true;
            for (int node = 1; node <= cluster.nodes() && all; node++) {
                LockService s = services.get(node - 1);
                all = onNode(cluster, node, opener -> s.replica().phase() == LockReplica.Phase.SYNCED
                        && s.handle().membership(group).size() == services.size());
            }
            if (all) {
                return;
            }
            if (System.nanoTime() - deadline > 0 || cluster.failure() != null) {
                throw new IllegalStateException("the lock services did not all join and synchronise within 30 s",
                        cluster.failure());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private interface NodeCall<T> {
        T call(CpgCluster.Opener opener);
    }

    private static <T> T onNode(CpgCluster cluster, int node, NodeCall<T> call) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        cluster.execute(node, opener -> {
            try {
                f.complete(call.call(opener));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
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

        void run(Duration window) throws InterruptedException {
            sleepUntil(System.nanoTime() + WARM_UP.toNanos());
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
