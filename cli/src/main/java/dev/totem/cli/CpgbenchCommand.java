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
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem cpgbench}: CPG throughput, corosync's cpgbench in small. Several clients join
 * one group and multicast as fast as the node takes them, for each size in turn; the line per
 * size counts the messages the first client delivered (every member delivers all of them):
 * {@code size=64 msgs/s=... MB/s=...}. Through a node's socket ({@code --socket}), or embedded
 * in a node this command starts in its own JVM ({@code --embedded}: a ring of one on 127.0.0.1).
 */
@Command(name = "cpgbench", mixinStandardHelpOptions = true,
        description = "CPG throughput through the socket or embedded.")
public final class CpgbenchCommand implements Callable<Integer> {
    private static final String GROUP = "cpgbench";

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

    @Option(names = "--sizes", split = ",", defaultValue = "64,1600", description = "Message sizes in bytes (default: ${DEFAULT-VALUE}).")
    private List<Integer> sizes;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds of sending per size (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--clients", defaultValue = "4", description = "Clients sending at once (default: ${DEFAULT-VALUE}).")
    private int clients;

    /** Opens one client of the measured kind. */
    private interface Opener {
        CpgHandle open(CpgListener listener) throws IOException;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TotemNode node = null;
        Path state = null;
        Opener opener;
        if (target.embedded) {
            state = Files.createTempDirectory("totem-cpgbench-");
            node = new TotemNode(NodeRunner.loopbackCluster(Transport.UDPU, 1, state, TotemConfig.defaults()).get(0)
                    .cpg(CpgSettings.embedded()).build());
            node.start();
            TotemNode running = node;
            opener = listener -> running.cpg().orElseThrow().open(listener);
        } else {
            opener = listener -> CpgClient.connect(target.socket, listener);
        }
        try {
            for (int size : sizes) {
                out.println(measure(opener, size));
                out.flush();
            }
        } finally {
            if (node != null) {
                node.close();
            }
        }
        return ExitCode.OK;
    }

    private String measure(Opener opener, int size) throws Exception {
        AtomicLong delivered = new AtomicLong();
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
                }));
            }
            for (CpgHandle h : handles) {
                CpgResult r = CpgCommand.retrying(() -> h.join(GROUP));
                if (!r.ok()) {
                    throw new UserError("cpgbench: cannot join " + GROUP + ": " + r);
                }
            }
            // Every member is in before the clock starts.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (handles.get(0).membership(GROUP).size() < clients) {
                if (System.nanoTime() > deadline) {
                    throw new UserError("cpgbench: the clients did not all join within 30 s");
                }
                Thread.sleep(10);
            }
            AtomicBoolean sending = new AtomicBoolean(true);
            List<Thread> senders = new ArrayList<>();
            for (CpgHandle h : handles) {
                Thread t = new Thread(() -> send(h, new byte[size], sending), "cpgbench-sender");
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
            double rate = count / elapsed;
            return String.format(Locale.ROOT, "size=%d msgs/s=%.0f MB/s=%.2f", size, rate, rate * size / 1e6);
        } finally {
            for (CpgHandle h : handles) {
                h.close();
            }
        }
    }

    /** Sends until told to stop: streamed (socket) or queued (embedded), waiting a little on TRY_AGAIN. */
    private static void send(CpgHandle h, byte[] payload, AtomicBoolean sending) {
        if (h instanceof CpgClient c) {
            Semaphore window = new Semaphore(StreamWindow.messagesFor(payload.length));
            while (sending.get()) {
                window.acquireUninterruptibly();
                c.mcastAsync(GROUP, payload, Guarantee.AGREED).whenComplete((r, e) -> window.release());
            }
            return;
        }
        while (sending.get()) {
            CpgResult r = h.mcast(GROUP, payload, Guarantee.AGREED);
            if (r.error() == CpgError.TRY_AGAIN) {
                LockSupport.parkNanos(50_000); // the inbox is full: let the loop drain it
            } else if (!r.ok()) {
                return;
            }
        }
    }
}
