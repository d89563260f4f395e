package dev.totem.jepsen;

import dev.totem.cpg.ClientId;
import dev.totem.cpg.ConnectionState;
import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.client.CpgClient;
import dev.totem.node.cpg.NodeCpg;
import dev.totem.protocol.api.Guarantee;
import dev.totem.simulator.Payloads;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The CPG workload of one process of a run ({@code ./totem jepsen --layer cpg}): processes in
 * closed process groups that join, multicast to, leave and rejoin the groups {@link #GROUPS}, and
 * exit without leaving. Either {@link #embedded}, two or three handles inside a node's JVM (an
 * exit closes one and a new one takes its place), or {@link #overIpc}, one client over a node's
 * socket in a process of its own (an exit ends that process at once, as a crash would; the run
 * starts another). Everything is recorded in the simulator's {@code cpg_*} trace lines for
 * {@code CpgChecker}.
 *
 * <p>An action is written before it is made, and a call answered TRY_AGAIN (during a sync) is
 * made again until the node takes it, so a SIGKILL leaves a history in which every join, leave
 * and multicast anyone saw is on record. Confchgs are named by the view the node's service
 * stamped on them ({@link CpgEvent.Confchg#view()}), which a checker can match across nodes.
 *
 * <p>The end, which the run drives: {@link #stop} ends the workload; once every node reports
 * its processes settled (no join or leave on the way), the run writes the quiet point and each
 * process multicasts one late message to each of its groups ({@link #sendLate}); {@link
 * #lateDone} tells when every process delivered the late message of every member of its view.
 * Because every node settled before any late message was sent, each late message follows every
 * join in the total order, so each member delivers each other member's.
 */
final class CpgWorkload {
    /** Why a client process ends on its own. */
    enum End {
        /** A workload step: the process exits without leaving. */
        EXIT,
        /** The node closed the connection (it died, or refused the client). */
        DISCONNECTED
    }

    /** The groups the processes use. */
    static final List<String> GROUPS = List.of("alpha", "beta", "gamma");
    /** Id prefix of late messages: {@code late-<node>/<pid>/<group>}. */
    static final String LATE_PREFIX = "late-";
    /** Embedded processes' ids start above Linux's largest pid, so a client process's real pid never meets one. */
    static final int EMBEDDED_PID_BASE = 5_000_000;
    /** Embedded ids per incarnation of the node process: ids are never reused on a node. */
    static final int EMBEDDED_PIDS_PER_INCARNATION = 10_000;
    /** Share of an embedded process's steps that exit; a client process exits less, as it costs a JVM start. */
    private static final double EXIT_EMBEDDED = 0.02;
    private static final double EXIT_CLIENT = 0.005;
    private static final double LEAVE = 0.08;
    private static final int PAYLOAD_BYTES_MAX = 2000;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final NodeCpg cpg;
    private final Consumer<End> halt;
    private final double exitShare;
    /** Set before the workload's thread starts (over IPC, once connected; read by the client's event thread). */
    private volatile int nodeId;
    private volatile String idPrefix;
    private final int incarnation;
    private final double safeRatio;
    private final SplittableRandom random;
    private final NodeTrace trace;
    private final Consumer<String> say;
    private final List<Proc> procs = new CopyOnWriteArrayList<>();
    private final AtomicLong multicasts = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private int embeddedStarted;
    private long nextMessage;
    private volatile boolean lateSent;

    private CpgWorkload(NodeCpg cpg, Consumer<End> halt, int nodeId, String idPrefix, int incarnation, double safeRatio,
            SplittableRandom random, NodeTrace trace, Consumer<String> say) {
        this.cpg = cpg;
        this.halt = halt;
        this.exitShare = cpg != null ? EXIT_EMBEDDED : EXIT_CLIENT;
        this.nodeId = nodeId;
        this.idPrefix = idPrefix;
        this.incarnation = incarnation;
        this.safeRatio = safeRatio;
        this.random = random;
        this.trace = trace;
        this.say = say;
    }

    /**
     * Two or three processes inside a node's JVM.
     *
     * @param cpg the node's CPG service
     * @param nodeId the node
     * @param incarnation the node process's number among the node's processes
     * @param safeRatio share of multicasts with the safe guarantee
     * @param seed seeds the workload's choices
     * @param trace where the lines go
     * @param say reports problems (one line each)
     */
    static CpgWorkload embedded(NodeCpg cpg, int nodeId, int incarnation, double safeRatio, long seed, NodeTrace trace,
            Consumer<String> say) {
        SplittableRandom random = new SplittableRandom(seed * 31 + nodeId * 1_000_003L + incarnation);
        CpgWorkload w = new CpgWorkload(cpg, null, nodeId, "m" + nodeId + "." + incarnation, incarnation, safeRatio, random,
                trace, say);
        int processes = 2 + random.nextInt(2);
        for (int i = 0; i < processes; i++) {
            w.spawnEmbedded();
        }
        return w;
    }

    /**
     * One process over a node's IPC socket, in a process of its own; its pid is that process's,
     * as the node reads it from the socket. Connects, waiting up to {@code waitMillis} for the
     * node to serve the socket.
     *
     * @param halt ends the process at once: an exit without leaving (as a crash), or the node
     *     closed the connection
     * @throws IOException when the node did not answer in time
     */
    static CpgWorkload overIpc(Path socket, long waitMillis, double safeRatio, long seed, NodeTrace trace,
            Consumer<String> say, Consumer<End> halt) throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(seed * 31 + ProcessHandle.current().pid());
        CpgWorkload w = new CpgWorkload(null, halt, 0, "", 0, safeRatio, random, trace, say);
        Proc p = w.new Proc(true);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        while (true) {
            try {
                p.open(CpgClient.connect(socket, p));
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no CPG service answered on " + socket + " in " + waitMillis + " ms: "
                            + e.getMessage(), e);
                }
                TimeUnit.MILLISECONDS.sleep(100); // the node is still starting: try again
            }
        }
        w.nodeId = p.handle.localNodeId();
        w.idPrefix = "c" + w.nodeId + "." + p.pid;
        w.procs.add(p);
        return w;
    }

    /** Multicasts accepted so far. */
    long multicasts() {
        return multicasts.get();
    }

    /** Group messages delivered so far, over the processes. */
    long delivered() {
        return delivered.get();
    }

    /**
     * One workload step, on the workload's thread: a random process exits, joins, leaves or
     * multicasts, by its state in a random group.
     *
     * @return false once the trace is frozen
     */
    boolean step() {
        Proc p = procs.get(random.nextInt(procs.size()));
        if (random.nextDouble() < exitShare) {
            return exit(p);
        }
        String group = GROUPS.get(random.nextInt(GROUPS.size()));
        ConnectionState state = p.handle.state(group);
        switch (state) {
            case UNJOINED -> {
                return call(p, "join " + group, (t, now) -> t.cpgJoin(now, nodeId, p.pid, group), () -> p.handle.join(group));
            }
            case JOIN_COMPLETED -> {
                if (random.nextDouble() < LEAVE) {
                    return call(p, "leave " + group, (t, now) -> t.cpgLeave(now, nodeId, p.pid, group),
                            () -> p.handle.leave(group));
                }
                return mcast(p, group, idPrefix + "-" + nextMessage++);
            }
            case JOIN_STARTED, LEAVE_STARTED -> {
                return true;
            }
        }
        throw new IllegalStateException("unknown state " + state);
    }

    /** Whether no process has a join or leave on the way. */
    boolean settled() {
        for (Proc p : procs) {
            for (String g : GROUPS) {
                ConnectionState s = p.handle.state(g);
                if (s == ConnectionState.JOIN_STARTED || s == ConnectionState.LEAVE_STARTED) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Each process multicasts one late message to each group it is in; after the workload stopped and every node settled. */
    void sendLate() {
        for (Proc p : procs) {
            for (String g : GROUPS) {
                if (p.handle.state(g) == ConnectionState.JOIN_COMPLETED
                        && !mcast(p, g, LATE_PREFIX + nodeId + "/" + p.pid + "/" + g)) {
                    return;
                }
            }
        }
        lateSent = true;
    }

    /** Whether the late messages were sent and every process delivered the late message of each member of its views. */
    boolean lateDone() {
        if (!lateSent) {
            return false;
        }
        for (Proc p : procs) {
            if (!p.heardEveryMember()) {
                return false;
            }
        }
        return true;
    }

    /** Closes every process's handle without recording anything (the trace is frozen by then). */
    void close() {
        for (Proc p : procs) {
            p.closing = true;
            p.handle.close();
        }
    }

    private void spawnEmbedded() {
        int pid = EMBEDDED_PID_BASE + incarnation * EMBEDDED_PIDS_PER_INCARNATION + embeddedStarted++;
        if (embeddedStarted >= EMBEDDED_PIDS_PER_INCARNATION) {
            throw new IllegalStateException("node " + nodeId + " started " + embeddedStarted + " processes, more than ids allow");
        }
        Proc p = new Proc(false);
        p.open(cpg.open(ClientId.of(pid), p));
        procs.add(p);
    }

    /**
     * The process exits without leaving (recorded first), and a new one takes its place; over
     * IPC the whole process ends, at once.
     */
    private boolean exit(Proc p) {
        // Under the trace's lock, with the line: a callback the node is making meanwhile is
        // not recorded after it (a process that went away sees nothing more).
        if (!trace.write((t, now) -> {
            p.closing = true;
            t.cpgGone(now, nodeId, p.pid);
        }, true)) {
            return false;
        }
        if (p.ipc) {
            halt.accept(End.EXIT);
            return false;
        }
        p.handle.close();
        procs.remove(p);
        spawnEmbedded();
        return true;
    }

    private boolean mcast(Proc p, String group, String id) {
        int min = id.length() + 1;
        int size = (int) Math.round(Math.exp(Math.log(min) + random.nextDouble() * (Math.log(PAYLOAD_BYTES_MAX) - Math.log(min))));
        byte[] payload = Payloads.build(id, Math.max(min, size));
        Guarantee g = random.nextDouble() < safeRatio ? Guarantee.SAFE : Guarantee.AGREED;
        boolean ok = call(p, "mcast to " + group, (t, now) -> t.cpgMcast(now, nodeId, p.pid, group, id),
                () -> p.handle.mcast(group, payload, g));
        if (ok) {
            multicasts.incrementAndGet();
        }
        return ok;
    }

    /**
     * Records {@code line}, then makes {@code call} until the node takes it (TRY_AGAIN means a
     * sync or a full ring: soon again). False when the trace is frozen. Any other refusal is said
     * and the workload goes on: a workload that asks for what its state forbids is a bug of this
     * class, and a node that refuses what it should take is one the checker then reports.
     */
    private boolean call(Proc p, String what, NodeTrace.Line line, Supplier<CpgResult> call) {
        if (!trace.write(line, true)) {
            return false;
        }
        while (true) {
            CpgResult r = call.get();
            if (r.ok()) {
                return true;
            }
            if (r.error() != CpgError.TRY_AGAIN) {
                // The action is on record but did not happen: the checker will say what it broke.
                say.accept("ERROR process " + nodeId + "/" + p.pid + ": " + what + " refused: " + r);
                return true;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(RETRY_NANOS); // the ring is syncing or full: try again soon
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** One key for a process of the run: its node and its pid. */
    static long key(int node, int pid) {
        return ((long) node << 32) | (pid & 0xffffffffL);
    }

    /** One local process: its handle, and what it saw that the end needs. */
    private final class Proc implements CpgListener {
        final boolean ipc;
        CpgHandle handle;
        int pid;
        volatile boolean closing;
        /** group -> members of its current view (keys); guarded by this */
        private final Map<String, Set<Long>> views = new HashMap<>();
        /** group -> senders whose late message it delivered; guarded by this */
        private final Map<String, Set<Long>> lateFrom = new HashMap<>();

        Proc(boolean ipc) {
            this.ipc = ipc;
        }

        void open(CpgHandle h) {
            this.handle = h;
            this.pid = h.clientId().pid();
        }

        @Override
        public void onDeliver(CpgEvent.Deliver d) {
            String id = Payloads.id(d.payload());
            trace.write((t, now) -> {
                if (!closing) {
                    t.cpgDeliver(now, nodeId, pid, d.group(), id, d.senderNode(), d.senderPid());
                }
            }, false);
            delivered.incrementAndGet();
            if (id.startsWith(LATE_PREFIX)) {
                synchronized (this) {
                    lateFrom.computeIfAbsent(d.group(), g -> new HashSet<>()).add(key(d.senderNode(), d.senderPid()));
                }
            }
        }

        @Override
        public void onConfchg(CpgEvent.Confchg c) {
            trace.write((t, now) -> {
                if (!closing) {
                    t.cpgConfchg(now, nodeId, pid, c.group(), c.view(), c.members(), c.left(), c.joined());
                }
            }, false);
            Set<Long> members = new HashSet<>();
            for (CpgAddress a : c.members()) {
                members.add(key(a.nodeId(), a.pid()));
            }
            synchronized (this) {
                if (members.contains(key(nodeId, pid))) {
                    views.put(c.group(), members);
                } else {
                    views.remove(c.group());
                }
            }
        }

        @Override
        public void onDisconnected(String reason) {
            if (!closing) {
                say.accept("ERROR process " + nodeId + "/" + pid + " was disconnected by its node: " + reason);
                if (ipc) {
                    halt.accept(End.DISCONNECTED); // a client process without its node has nothing left to do
                }
            }
        }

        synchronized boolean heardEveryMember() {
            for (Map.Entry<String, Set<Long>> v : views.entrySet()) {
                if (!lateFrom.getOrDefault(v.getKey(), Set.of()).containsAll(v.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }
}
