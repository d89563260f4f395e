package dev.totem.cli;

import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.client.CpgClient;
import dev.totem.node.cpg.CpgSettings;
import dev.totem.node.runtime.NodeRunner;
import dev.totem.node.runtime.TotemNode;
import dev.totem.node.runtime.Transport;
import dev.totem.perf.bench.StreamWindow;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.trace.JsonText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem cpgbench}: CPG throughput as corosync's cpgbench measures it. A client joins a
 * group and multicasts as fast as the node takes its messages, for each size in turn, and counts
 * what it delivers (every member delivers every message, so on a ring where other nodes run
 * cpgbench in the same group their messages count too). One line per size on stdout,
 * {@code size=64 msgs/s=... MB/s=...}, or with {@code --json} one JSON object per size; progress
 * goes to stderr. Through a node's socket ({@code --socket}), or embedded in a node this command
 * starts in its own JVM ({@code --embedded}: a ring of one on 127.0.0.1).
 */
@Command(name = "cpgbench", mixinStandardHelpOptions = true,
        description = "corosync's cpgbench: CPG throughput via a node's socket or embedded.")
public final class CpgbenchCommand implements Callable<Integer> {
    /** corosync's cpgbench sizes: 64 bytes, then five times more each step, up to 1,000,000. */
    static final List<Integer> COROSYNC_SIZES = List.of(64, 320, 1600, 8000, 40_000, 200_000, 1_000_000);
    /** How long the clients may take to see each other in the group before the clock starts. */
    private static final long JOIN_WAIT_SECONDS = 30;

    @Spec
    private CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    private Target target;

    static final class Target {
        @Option(names = "--socket", paramLabel = "PATH", description = "Through this node's CPG socket.")
        Path socket;

        @Option(names = "--embedded", description = "Embedded handles of a node started in this JVM (a ring of one).")
        boolean embedded;
    }

    @ArgGroup
    private Sizes sizeChoice;

    static final class Sizes {
        @Option(names = "--sizes", split = ",", paramLabel = "BYTES", description = "Message sizes in bytes (default: 64,1600,8000).")
        List<Integer> sizes;

        @Option(names = "--corosync-sizes", description = "corosync's cpgbench sizes: 64, 320, 1600, 8000, 40000, 200000, 1000000.")
        boolean corosync;
    }

    @Option(names = "--group", defaultValue = "cpgbench", description = "The group to join and multicast to (default: ${DEFAULT-VALUE}).")
    private String group;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds of sending per size (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--guarantee", defaultValue = "agreed", description = "agreed or safe (default: ${DEFAULT-VALUE}).")
    private String guarantee;

    @Option(names = "--json", description = "One JSON object per size instead of the text line.")
    private boolean json;

    @Option(names = "--clients", defaultValue = "1", description = "Clients of this process sending at once; the first counts"
            + " (default: ${DEFAULT-VALUE}, as corosync's cpgbench).")
    private int clients;

    /** Opens one client of the measured kind. */
    private interface Opener {
        CpgHandle open(CpgListener listener) throws IOException;
    }

    /** One size's outcome. */
    record Result(int sizeBytes, long messages, double seconds) {
        double messagesPerSecond() {
            return messages / seconds;
        }

        String text() {
            return String.format(Locale.ROOT, "size=%d msgs/s=%.0f MB/s=%.2f", sizeBytes, messagesPerSecond(),
                    messagesPerSecond() * sizeBytes / 1e6);
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Integer> sizes = sizeChoice == null || (!sizeChoice.corosync && sizeChoice.sizes == null) ? List.of(64, 1600, 8000)
                : sizeChoice.corosync ? COROSYNC_SIZES : sizeChoice.sizes;
        for (int size : sizes) {
            if (size < 1) {
                throw new UserError("cpgbench: --sizes must be at least 1 byte each, got " + size);
            }
        }
        if (seconds < 1) {
            throw new UserError("cpgbench: --seconds must be at least 1, got " + seconds);
        }
        if (clients < 1) {
            throw new UserError("cpgbench: --clients must be at least 1, got " + clients);
        }
        Guarantee g = GuaranteeOption.parse("cpgbench", guarantee);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TotemNode node = null;
        Path state = null;
        Opener opener;
        int messageBytesMax;
        if (target.embedded) {
            CpgSettings settings = CpgSettings.embedded();
            messageBytesMax = settings.config().messageBytesMax();
            state = Files.createTempDirectory("totem-cpgbench-");
            node = new TotemNode(NodeRunner.loopbackCluster(Transport.UDPU, 1, state, TotemConfig.defaults()).get(0)
                    .cpg(settings).build());
            node.start();
            TotemNode running = node;
            opener = listener -> running.cpg().orElseThrow().open(listener);
        } else {
            messageBytesMax = -1; // the node says in its hello
            opener = listener -> {
                try {
                    return CpgClient.connect(target.socket, listener);
                } catch (IOException e) {
                    throw new UserError("cpgbench: " + e.getMessage(), e);
                }
            };
        }
        try {
            for (int i = 0; i < sizes.size(); i++) {
                int size = sizes.get(i);
                err.printf(Locale.ROOT, "cpgbench: size %d B (%d of %d), %d s, group %s, %s%n", size, i + 1, sizes.size(), seconds,
                        group, g.name().toLowerCase(Locale.ROOT));
                err.flush();
                Result r = measure(opener, messageBytesMax, size, g);
                out.println(json ? json(r, g) : r.text());
                out.flush();
            }
        } finally {
            if (node != null) {
                node.close();
                deleteTree(state);
            }
        }
        return ExitCode.OK;
    }

    private String json(Result r, Guarantee g) {
        StringBuilder j = new StringBuilder(String.format(Locale.ROOT, "{\"size\":%d,\"messages\":%d,\"seconds\":%.3f,"
                + "\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,\"group\":", r.sizeBytes(), r.messages(), r.seconds(), r.messagesPerSecond(),
                r.messagesPerSecond() * r.sizeBytes() / 1e6));
        JsonText.appendString(j, group);
        j.append(String.format(Locale.ROOT, ",\"guarantee\":\"%s\",\"clients\":%d,\"target\":\"%s\"}",
                g.name().toLowerCase(Locale.ROOT), clients, target.embedded ? "embedded" : "socket"));
        return j.toString();
    }

    private Result measure(Opener opener, int messageBytesMax, int size, Guarantee g) throws Exception {
        AtomicLong delivered = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        List<CpgHandle> handles = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                boolean counting = i == 0;
                handles.add(opener.open(new CpgListener() {
                    @Override
                    public void onDeliver(CpgEvent.Deliver deliver) {
                        if (counting) {
                            delivered.incrementAndGet();
                        }
                    }

                    @Override
                    public void onConfchg(CpgEvent.Confchg confchg) {}

                    @Override
                    public void onDisconnected(String reason) {
                        failure.compareAndSet(null, "the node disconnected the client: " + reason);
                    }
                }));
            }
            int max = handles.get(0) instanceof CpgClient c ? c.messageBytesMax() : messageBytesMax;
            if (size > max) {
                throw new UserError("cpgbench: size " + size + " B is above the node's largest message, " + max + " B");
            }
            for (CpgHandle h : handles) {
                CpgResult r = CpgCommand.retrying(() -> h.join(group));
                if (!r.ok()) {
                    throw new UserError("cpgbench: cannot join group '" + group + "': " + r);
                }
            }
            // Every client is in before the clock starts.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_WAIT_SECONDS);
            while (handles.get(0).membership(group).size() < clients) {
                if (System.nanoTime() > deadline) {
                    throw new UserError("cpgbench: the clients did not all join within " + JOIN_WAIT_SECONDS + " s");
                }
                Thread.sleep(10); // a poll period: membership has no wait call
            }
            AtomicBoolean sending = new AtomicBoolean(true);
            List<Thread> senders = new ArrayList<>();
            for (CpgHandle h : handles) {
                Thread t = new Thread(() -> send(h, group, new byte[size], g, sending, failure), "cpgbench-sender");
                t.setDaemon(true);
                senders.add(t);
            }
            long start = System.nanoTime();
            long before = delivered.get();
            senders.forEach(Thread::start);
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            long count = delivered.get() - before;
            double elapsed = (System.nanoTime() - start) / 1e9;
            sending.set(false);
            for (Thread t : senders) {
                t.join(10_000);
            }
            if (failure.get() != null) {
                throw new UserError("cpgbench: at " + size + " B: " + failure.get());
            }
            return new Result(size, count, elapsed);
        } finally {
            for (CpgHandle h : handles) {
                h.close();
            }
        }
    }

    /**
     * Sends until told to stop or until a multicast fails: streamed through a socket (at most
     * {@link StreamWindow} unanswered, as corosync's IPC buffer bounds cpgbench), or embedded,
     * waiting a little on TRY_AGAIN. The first failure goes to {@code failure}.
     */
    private static void send(CpgHandle h, String group, byte[] payload, Guarantee g, AtomicBoolean sending,
            AtomicReference<String> failure) {
        if (h instanceof CpgClient c) {
            Semaphore window = new Semaphore(StreamWindow.messagesFor(payload.length));
            while (sending.get() && failure.get() == null) {
                window.acquireUninterruptibly();
                c.mcastAsync(group, payload, g).whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, "a multicast failed: " + e);
                    } else if (!r.ok()) {
                        failure.compareAndSet(null, "a multicast was refused: " + r);
                    }
                    window.release();
                });
            }
            return;
        }
        while (sending.get()) {
            CpgResult r = h.mcast(group, payload, g);
            if (r.error() == CpgError.TRY_AGAIN) {
                LockSupport.parkNanos(50_000); // the inbox is full: let the loop drain it
            } else if (!r.ok()) {
                failure.compareAndSet(null, "a multicast was refused: " + r);
                return;
            }
        }
    }

    /** Removes the embedded node's state folder, which this command made. */
    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
