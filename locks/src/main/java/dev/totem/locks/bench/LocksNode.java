package dev.totem.locks.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgListener;
import dev.totem.locks.LockConfig;
import dev.totem.locks.LockReplica;
import dev.totem.locks.LockService;
import dev.totem.node.cpg.NodeCpg;
import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.NodeListener;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.TotemNode;
import dev.totem.protocol.api.Effect;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One node process of {@code ./totem locks bench} and of the lock process tests: a
 * {@link TotemNode} with CPG and, in it, one {@link LockService} on an embedded handle. The
 * parent drives it with lines on stdin ({@link #COMMANDS}) and reads one line per answer on
 * stdout; the node also prints a {@link ConfigLine} at each configuration change.
 *
 * <p>The service runs either on the node's loop, where the handle's callbacks come ({@code
 * --on-loop}, what {@code ./totem locks bench} runs), or on a thread of its own, the callbacks
 * only queueing the events for it. On its own thread the service's work overlaps the ring's, but
 * every delivery and every multicast crosses threads (a wake-up each way), and on the loop a busy
 * delivery of thousands of requests holds the next datagrams and the token's next visit. Measured
 * on this 2-core machine with 3 nodes, alternating runs: the loop did as well or better
 * (597,542-765,979 locks/s against 459,071-788,597, p99.9 94-141 ms against 114-376 ms, less CPU
 * per lock), so the bench runs there. On its own thread the queue is bounded: when the service
 * falls {@value #TASKS_MAX} events behind, the loop waits for it, and the ring slows down rather
 * than any event being lost.
 */
public final class LocksNode {
    /** What the parent may write, one command a line. */
    public static final String COMMANDS = """
            open                     open the lock service and join its group (again while CPG says TRY_AGAIN): OPENED
            await <members>          wait until the service is synchronised with that many members: SYNCED <members>
            watch                    print every event of this replica's table from now on: WATCHING, then EVENT <event>
            acquire <name>           ask for a lock: GRANTED <name> <fence> when granted, FAILED <name> <why>
            release <name>           release it (or cancel the request): RELEASED <name> true|false
            bench <clients> <first> <warmup ms> <measure ms>
                                     closed loops on locks lock-<first>.. : RESULT <locks> <failures> <cpu ns>
                                     <histogram> <first failure>
            quit                     leave and exit""";
    /** How long {@code open} and {@code await} try. */
    static final long SETUP_TIMEOUT_MS = 60_000;
    /** How often the idle service sends what CPG refused earlier. */
    static final long PUMP_PERIOD_MS = 5;
    /** Events and commands waiting for the service's thread. */
    static final int TASKS_MAX = 1 << 16;

    private final TotemNode node;
    private final LockConfig config;
    private final PrintStream out;
    /** The service runs on the node's loop, with the handle's callbacks, not on a thread of its own. */
    private final boolean onLoop;
    /** The node's CPG layer, whose loop runs the service (with {@link #onLoop}), once started. */
    private volatile NodeCpg cpg;
    private final BlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(TASKS_MAX);
    private volatile boolean running = true;
    // Set and used on the service's thread.
    private LockService service;

    public LocksNode(RuntimeSettings settings, LockConfig config, PrintStream out) {
        this(settings, config, out, false);
    }

    /** @param onLoop run the service on the node's loop instead of a thread of its own */
    public LocksNode(RuntimeSettings settings, LockConfig config, PrintStream out, boolean onLoop) {
        this.node = new TotemNode(settings);
        this.config = config;
        this.out = out;
        this.onLoop = onLoop;
        node.addListener(new NodeListener() {
            @Override
            public void onDeliver(Effect.Deliver d) {
                // A CPG ring delivers everything to the service: none reach node listeners.
            }

            @Override
            public void onConfigurationChange(Effect.ConfigurationChange c) {
                say(ConfigLine.of(c));
            }
        });
    }

    /** Runs the node until stdin closes or says {@code quit}. */
    public void run(InputStream commands) throws Exception {
        node.start();
        NodeCpg cpg = node.cpg().orElseThrow(() -> new IllegalStateException("the node does not run CPG"));
        if (onLoop) {
            this.cpg = cpg;
            cpg.every(PUMP_PERIOD_MS, () -> {
                if (service != null) {
                    service.pump();
                }
            });
        } else {
            Thread worker = new Thread(this::serve, "locks-service");
            worker.setDaemon(true);
            worker.start();
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(commands, StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null && !line.strip().equals("quit"); line = in.readLine()) {
                String[] w = line.strip().split("\\s+");
                try {
                    command(cpg, w);
                } catch (RuntimeException e) {
                    say("ERROR " + line.strip() + ": " + e);
                }
            }
        } finally {
            try {
                onService(() -> {
                    if (service != null) {
                        service.close();
                    }
                    return null;
                });
            } finally {
                running = false;
                node.leave().orTimeout(3, TimeUnit.SECONDS).exceptionally(e -> null).join();
                node.close();
            }
        }
    }

    /** The service's thread: runs the queued events and commands, and pumps the service when idle. */
    private void serve() {
        try {
            while (running) {
                Runnable task = tasks.poll(PUMP_PERIOD_MS, TimeUnit.MILLISECONDS);
                if (task != null) {
                    task.run();
                } else if (service != null) {
                    service.pump();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            say("ERROR the lock service failed: " + e);
        }
    }

    /** Queues {@code task} for the service's thread, waiting while the queue is full. */
    private void post(Runnable task) {
        if (onLoop) {
            cpg.execute(task);
            return;
        }
        try {
            tasks.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing for the lock service", e);
        }
    }

    private void command(NodeCpg cpg, String[] w) throws Exception {
        switch (w[0]) {
            case "open" -> open(cpg);
            case "await" -> awaitSynced(Integer.parseInt(w[1]));
            case "watch" -> {
                onService(() -> {
                    service.observe(e -> say("EVENT " + e));
                    return null;
                });
                say("WATCHING");
            }
            case "acquire" -> post(() -> service.acquire(w[1]).whenComplete((lease, failure) -> {
                if (failure == null) {
                    say("GRANTED " + w[1] + " " + lease.fence());
                } else {
                    say("FAILED " + w[1] + " " + (failure.getCause() != null ? failure.getCause() : failure));
                }
            }));
            case "release" -> say("RELEASED " + w[1] + " " + onService(() -> service.release(w[1])));
            case "bench" -> say(bench(Integer.parseInt(w[1]), Integer.parseInt(w[2]), Long.parseLong(w[3]),
                    Long.parseLong(w[4])));
            case "" -> { }
            default -> say("ERROR unknown command " + w[0] + "; commands:\n" + COMMANDS);
        }
    }

    private void open(NodeCpg cpg) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETUP_TIMEOUT_MS);
        while (!onService(() -> {
            LockService opened = LockService.open(l -> cpg.open(queued(l)), config);
            if (opened.joinError() != null) {
                opened.close();
                return false;
            }
            service = opened;
            return true;
        })) {
            if (System.nanoTime() - deadline > 0) {
                say("ERROR the lock service could not join its group within " + SETUP_TIMEOUT_MS / 1000 + " s");
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50); // CPG said TRY_AGAIN: the ring is forming; poll again
        }
        say("OPENED");
    }

    /**
     * The listener the handle calls on the node's loop: prints the group's confchgs (the tests
     * order grants after them) and hands each callback to the service, there ({@link #onLoop})
     * or queued for the service's thread.
     */
    private CpgListener queued(CpgListener service) {
        CpgListener direct = new CpgListener() {
            @Override
            public void onDeliver(CpgEvent.Deliver d) {
                service.onDeliver(d);
            }

            @Override
            public void onConfchg(CpgEvent.Confchg c) {
                say("CONFCHG " + c.group() + " members " + c.members() + " left " + c.left());
                service.onConfchg(c);
            }

            @Override
            public void onDisconnected(String reason) {
                service.onDisconnected(reason);
            }
        };
        if (onLoop) {
            return direct;
        }
        return new CpgListener() {
            @Override
            public void onDeliver(CpgEvent.Deliver d) {
                post(() -> direct.onDeliver(d));
            }

            @Override
            public void onConfchg(CpgEvent.Confchg c) {
                post(() -> direct.onConfchg(c));
            }

            @Override
            public void onDisconnected(String reason) {
                post(() -> direct.onDisconnected(reason));
            }
        };
    }

    private void awaitSynced(int members) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETUP_TIMEOUT_MS);
        while (!onService(() -> service.replica().phase() == LockReplica.Phase.SYNCED
                && service.handle().membership(config.group()).size() == members)) {
            if (System.nanoTime() - deadline > 0) {
                say("ERROR the lock service did not synchronise with " + members + " members within "
                        + SETUP_TIMEOUT_MS / 1000 + " s");
                return;
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling the loop with a deadline
        }
        say("SYNCED " + members);
    }

    /** Closed loops on the loop for warm-up then the window; the window's figures as a RESULT line. */
    private String bench(int clients, int first, long warmupMs, long measureMs) throws Exception {
        long start = System.nanoTime();
        long windowStart = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long windowEnd = windowStart + TimeUnit.MILLISECONDS.toNanos(measureMs);
        List<Looper> loopers = new ArrayList<>();
        Histogram histogram = new Histogram(3);
        for (int i = 0; i < clients; i++) {
            loopers.add(new Looper(service, "lock-" + (first + i), windowStart, windowEnd, histogram));
        }
        // In batches: thousands of single messages at once would flood the handle's event queue.
        post(() -> service.batch(() -> loopers.forEach(Looper::next)));
        sleepUntil(windowStart);
        Map<String, Long> before = node.status().counters();
        long cpuStart = cpuNanos();
        sleepUntil(windowEnd);
        long cpu = cpuNanos() - cpuStart;
        logCounters(before, node.status().counters());
        return onService(() -> {
            long locks = 0;
            long failures = 0;
            String firstFailure = "-";
            for (Looper l : loopers) {
                l.stopped = true;
                locks += l.count;
                failures += l.failures;
                if (l.firstFailure != null && firstFailure.equals("-")) {
                    firstFailure = l.firstFailure;
                }
            }
            ByteBuffer buf = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
            int n = histogram.encodeIntoCompressedByteBuffer(buf);
            byte[] bytes = new byte[n];
            buf.flip();
            buf.get(bytes);
            return "RESULT " + locks + " " + failures + " " + cpu + " " + Base64.getEncoder().encodeToString(bytes) + " "
                    + firstFailure;
        });
    }

    /** CPU time of this process (every thread), for the cost of a lock beside its rate. */
    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left); // the window's length in real time
        }
    }

    /** The node's counters over the window, in its log: rotations, frames and retransmissions explain a rate. */
    private static void logCounters(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder diag = new StringBuilder("counters in the measured window:");
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d != 0) {
                diag.append(' ').append(e.getKey()).append('=').append(d);
            }
        }
        System.err.println(diag);
    }

    /** One benchmark client: a closed loop on its own lock, on the node's loop. */
    private static final class Looper {
        final LockService service;
        final String name;
        final long windowStart;
        final long windowEnd;
        final Histogram histogram;
        boolean stopped;
        long count;
        long failures;
        String firstFailure;
        long started;

        Looper(LockService service, String name, long windowStart, long windowEnd, Histogram histogram) {
            this.service = service;
            this.name = name;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.histogram = histogram;
        }

        void next() {
            if (stopped || System.nanoTime() >= windowEnd) {
                return;
            }
            started = System.nanoTime();
            service.acquire(name).whenComplete((lease, failure) -> {
                long now = System.nanoTime();
                boolean counted = !stopped && now >= windowStart && now < windowEnd;
                if (failure != null) {
                    if (counted) {
                        failures++;
                        if (firstFailure == null) {
                            firstFailure = String.valueOf(failure.getCause() != null ? failure.getCause() : failure);
                        }
                    }
                } else {
                    lease.release();
                    if (counted) {
                        histogram.recordValue((now - started) / 1_000);
                        count++;
                    }
                }
                next();
            });
        }
    }

    /** Runs {@code task} on the service's thread and returns its answer. */
    private <T> T onService(Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        post(() -> {
            try {
                f.complete(task.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(30, TimeUnit.SECONDS);
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
