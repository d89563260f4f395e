package dev.totem.perf.bench;

import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.client.CpgClient;
import dev.totem.node.admin.AdminClient;
import dev.totem.node.runtime.TotemNode;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A CPG process in the bench group {@link #GROUP}: a client of a node daemon over its socket
 * ({@code --mode ipc}, as corosync's cpgbench runs), which streams multicasts, at most
 * {@link StreamWindow#messagesFor} unanswered (the node holds them until the ring takes them);
 * or an embedded handle of a node in the same JVM ({@code --mode cpg}), whose multicasts answer
 * TRY_AGAIN when the node's inbox is full.
 */
final class CpgPort implements BenchPort {
    /** Opens the process's handle with the given callbacks. */
    @FunctionalInterface
    interface Opener {
        CpgHandle open(CpgListener listener) throws IOException;
    }

    static final String GROUP = "bench";
    /** How long to wait for the node's socket and for every member to join. */
    static final long READY_TIMEOUT_MS = 60_000;

    private final CpgHandle handle;
    private final Supplier<Map<String, Long>> counters;
    /**
     * Streamed multicasts, oldest first, the answered ones not yet looked at included: the node
     * answers in order, so the answered ones are at the head. Used by one sender thread at a time
     * (no callback per message).
     */
    private final ArrayDeque<CompletableFuture<CpgResult>> streamed = new ArrayDeque<>();
    /** Why the node closed this client's connection, once it has; then nothing more is sent. */
    private volatile String disconnected;
    /** Streamed multicasts the node refused; the first is printed, the rest counted (sender thread only). */
    private long refused;

    /**
     * Connects to a node daemon (waiting for its socket to appear), joins, and waits until
     * {@code members} processes are in the group: one per node, so the ring is whole. The node's
     * counters come from its admin socket.
     */
    static CpgPort overIpc(Path socket, Path adminSocket, int members, BenchNode bench)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        waitFor(() -> Files.exists(socket), deadline, "the node's CPG socket " + socket);
        return new CpgPort(listener -> CpgClient.connect(socket, listener), () -> adminCounters(adminSocket), members,
                bench, deadline);
    }

    /** An embedded handle of {@code node}; joins and waits as {@link #overIpc}. */
    static CpgPort embedded(TotemNode node, int members, BenchNode bench) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        return new CpgPort(listener -> node.cpg().orElseThrow().open(listener), () -> node.status().counters(), members,
                bench, deadline);
    }

    private CpgPort(Opener opener, Supplier<Map<String, Long>> counters, int members, BenchNode bench, long deadline)
            throws IOException, InterruptedException {
        this.counters = counters;
        CpgListener listener = new CpgListener() {
            @Override
            public void onDeliver(CpgEvent.Deliver d) {
                // The view, not payload(): a copy per delivery is the bench's cost, not the stack's.
                bench.delivered(d.payloadView(), d.senderNode() == bench.nodeId());
            }

            @Override
            public void onConfchg(CpgEvent.Confchg c) {
                // Membership is polled below; the phases count deliveries only.
            }

            @Override
            public void onDisconnected(String reason) {
                // The run shows it ("node N: ERROR ..."), instead of a phase that only comes up short.
                disconnected = reason;
                bench.say("ERROR the node disconnected this client: " + reason);
            }
        };
        handle = opener.open(listener);
        CpgResult joined;
        while (!(joined = handle.join(GROUP)).ok()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("cannot join " + GROUP + ": " + joined);
            }
            TimeUnit.MILLISECONDS.sleep(50); // no ring yet: CPG says TRY_AGAIN
        }
        waitFor(() -> handle.membership(GROUP).size() >= members, deadline, members + " members in group " + GROUP);
    }

    private static void waitFor(Supplier<Boolean> condition, long deadlineNanos, String what)
            throws IOException, InterruptedException {
        while (!condition.get()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IOException("waited " + READY_TIMEOUT_MS / 1000 + " s in vain for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling a condition another process brings about
        }
    }

    @Override
    public SubmitStatus send(byte[] payload, Guarantee guarantee) {
        if (!(handle instanceof CpgClient client)) {
            // Embedded: the payload is copied into the node's inbox; TRY_AGAIN when it is full.
            CpgResult r = handle.mcast(GROUP, payload, guarantee);
            return r.ok() ? SubmitStatus.ACCEPTED : SubmitStatus.TRY_AGAIN;
        }
        CompletableFuture<CpgResult> oldest;
        while ((oldest = streamed.peek()) != null && oldest.isDone()) {
            streamed.poll();
            CpgResult r = oldest.getNow(null);
            if (!r.ok() && refused++ == 0) {
                // One line: a closed connection refuses every later multicast (it once wrote 700 MB of these).
                System.err.println("bench: a streamed multicast was refused: " + r);
            }
        }
        if (disconnected != null) {
            // The phase cannot be counted any more; the sender backs off until its window ends.
            return SubmitStatus.TRY_AGAIN;
        }
        if (streamed.size() >= StreamWindow.messagesFor(payload.length)) {
            return SubmitStatus.TRY_AGAIN;
        }
        // Encoded before mcastAsync returns, so the caller may reuse the payload.
        streamed.add(client.mcastAsync(GROUP, payload, guarantee));
        return SubmitStatus.ACCEPTED;
    }

    @Override
    public Map<String, Long> counters() {
        return counters.get();
    }

    private static Map<String, Long> adminCounters(Path adminSocket) {
        try {
            return AdminClient.status(adminSocket).counters();
        } catch (IOException e) {
            return Map.of("admin_socket_errors", 1L);
        }
    }

    @Override
    public void close() {
        if (refused > 1) {
            System.err.println("bench: " + (refused - 1) + " more streamed multicasts were refused");
        }
        handle.close();
    }
}
