package dev.totem.locks.bench;

import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgListener;
import dev.totem.locks.LockConfig;
import dev.totem.locks.LockEvent;
import dev.totem.locks.LockReplica;
import dev.totem.locks.LockService;
import dev.totem.node.cpg.NodeCpg;
import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.NodeListener;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.TotemNode;
import dev.totem.protocol.api.Effect;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One node process of {@code ./totem locks bench} and of the lock process tests: a
 * {@link TotemNode} with CPG and, in it, one {@link LockService} on an embedded handle, run on
 * the node's loop (the thread of the handle's callbacks, so the service needs no locks). The
 * parent drives it with lines on stdin ({@link #COMMANDS}) and reads one line per answer on
 * stdout; the node also prints a {@link ConfigLine} at each configuration change.
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
                                     closed loops on locks lock-<first>.. : RESULT <locks> <failures> <histogram> <first failure>
            quit                     leave and exit""";
    /** How long {@code open} and {@code await} try. */
    static final long SETUP_TIMEOUT_MS = 60_000;
    /** How often the idle service sends what CPG refused earlier. */
    static final long PUMP_PERIOD_MS = 5;

    private final TotemNode node;
    private final LockConfig config;
    private final PrintStream out;
    // Set on the loop by open; read there only, apart from the null check of await.
    private volatile LockService service;

    public LocksNode(RuntimeSettings settings, LockConfig config, PrintStream out) {
        this.node = new TotemNode(settings);
        this.config = config;
        this.out = out;
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
            LockService s = service;
            if (s != null) {
                onLoop(cpg, () -> {
                    s.close();
                    return null;
                });
            }
            node.leave().orTimeout(3, TimeUnit.SECONDS).exceptionally(e -> null).join();
            node.close();
        }
    }

    private void command(NodeCpg cpg, String[] w) throws Exception {
        switch (w[0]) {
            case "open" -> open(cpg);
            case "await" -> awaitSynced(cpg, Integer.parseInt(w[1]));
            case "watch" -> {
                onLoop(cpg, () -> {
                    service.observe(e -> say("EVENT " + e));
                    return null;
                });
                say("WATCHING");
            }
            case "acquire" -> cpg.execute(() -> service.acquire(w[1]).whenComplete((lease, failure) -> {
                if (failure == null) {
                    say("GRANTED " + w[1] + " " + lease.fence());
                } else {
                    say("FAILED " + w[1] + " " + (failure.getCause() != null ? failure.getCause() : failure));
                }
            }));
            case "release" -> say("RELEASED " + w[1] + " " + onLoop(cpg, () -> service.release(w[1])));
            case "bench" -> say(bench(cpg, Integer.parseInt(w[1]), Integer.parseInt(w[2]), Long.parseLong(w[3]),
                    Long.parseLong(w[4])));
            case "" -> { }
            default -> say("ERROR unknown command " + w[0] + "; commands:\n" + COMMANDS);
        }
    }

    private void open(NodeCpg cpg) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETUP_TIMEOUT_MS);
        while (true) {
            LockService s = onLoop(cpg, () -> {
                LockService opened = LockService.open(l -> cpg.open(withConfchgs(l)), config);
                if (opened.joinError() != null) {
                    opened.close();
                    return null;
                }
                return opened;
            });
            if (s != null) {
                service = s;
                pumpWhileOpen(cpg, s);
                say("OPENED");
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                say("ERROR the lock service could not join its group within " + SETUP_TIMEOUT_MS / 1000 + " s");
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50); // CPG said TRY_AGAIN: the ring is forming; poll again
        }
    }

    /** The service's listener, printing the group's confchgs first: the tests order grants after them. */
    private CpgListener withConfchgs(CpgListener service) {
        return new CpgListener() {
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
    }

    /** Sends now and then what CPG refused with TRY_AGAIN, as the service's contract asks of an idle process. */
    private void pumpWhileOpen(NodeCpg cpg, LockService s) {
        Thread pump = new Thread(() -> {
            while (service == s && !node.terminationFuture().isDone()) {
                try {
                    cpg.execute(s::pump);
                    TimeUnit.MILLISECONDS.sleep(PUMP_PERIOD_MS); // a period, not a synchronisation
                } catch (IllegalStateException | InterruptedException e) {
                    return;
                }
            }
        }, "locks-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private void awaitSynced(NodeCpg cpg, int members) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETUP_TIMEOUT_MS);
        while (!onLoop(cpg, () -> service.replica().phase() == LockReplica.Phase.SYNCED
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
    private String bench(NodeCpg cpg, int clients, int first, long warmupMs, long measureMs) throws Exception {
        long start = System.nanoTime();
        long windowStart = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        long windowEnd = windowStart + TimeUnit.MILLISECONDS.toNanos(measureMs);
        List<Looper> loopers = new ArrayList<>();
        Histogram histogram = new Histogram(3);
        for (int i = 0; i < clients; i++) {
            loopers.add(new Looper(service, "lock-" + (first + i), windowStart, windowEnd, histogram));
        }
        cpg.execute(() -> loopers.forEach(Looper::next));
        sleepUntil(windowStart);
        Map<String, Long> before = node.status().counters();
        sleepUntil(windowEnd);
        logCounters(before, node.status().counters());
        return onLoop(cpg, () -> {
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
            return "RESULT " + locks + " " + failures + " " + Base64.getEncoder().encodeToString(bytes) + " " + firstFailure;
        });
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

    private static <T> T onLoop(NodeCpg cpg, Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        cpg.execute(() -> {
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
