package dev.totem.simulator.check;

import dev.totem.cpg.CpgAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the processes of a CPG run did and saw, in the order it happened: the events the
 * {@link CpgChecker} reads. A process is named by (node, pid); pids are not reused on a node.
 */
public final class CpgHistory {
    /** Kinds of events. */
    public enum Kind {
        /** A process's join was accepted by its node. */
        JOIN,
        /** A process's leave was accepted by its node. */
        LEAVE,
        /** A process's multicast was accepted by its node. */
        MCAST,
        /** A process went away without leaving. */
        GONE,
        /** A process delivered a group message. */
        DELIVER,
        /** A process delivered a group confchg. */
        CONFCHG,
        /** A node crashed: all its processes are gone (pid 0). */
        CRASH
    }

    /**
     * One event. Fields a kind does not use are null, 0 or empty.
     *
     * @param timeMicros when
     * @param kind what
     * @param node the process's node
     * @param pid the process (0 for CRASH)
     * @param group the group (all but GONE and CRASH)
     * @param id message id (MCAST, DELIVER)
     * @param sender sender's node (DELIVER)
     * @param senderPid sender's pid (DELIVER)
     * @param view the group view a confchg installs (CONFCHG)
     * @param members, left, joined the confchg's lists (CONFCHG)
     */
    public record Event(long timeMicros, Kind kind, int node, int pid, String group, String id, int sender, int senderPid,
            String view, List<CpgAddress> members, List<CpgAddress> left, List<CpgAddress> joined) {}

    private final List<Event> events = new ArrayList<>();
    private long quietFromMicros = Long.MAX_VALUE;

    /** Process {@code pid} of {@code node}'s join of {@code group} was accepted at {@code t} µs. */
    public void join(long t, int node, int pid, String group) {
        events.add(new Event(t, Kind.JOIN, node, pid, group, null, 0, 0, null, List.of(), List.of(), List.of()));
    }

    /** The process's leave of {@code group} was accepted. */
    public void leave(long t, int node, int pid, String group) {
        events.add(new Event(t, Kind.LEAVE, node, pid, group, null, 0, 0, null, List.of(), List.of(), List.of()));
    }

    /** The process's multicast {@code id} to {@code group} was accepted. */
    public void mcast(long t, int node, int pid, String group, String id) {
        events.add(new Event(t, Kind.MCAST, node, pid, group, id, 0, 0, null, List.of(), List.of(), List.of()));
    }

    /** The process went away without leaving. */
    public void gone(long t, int node, int pid) {
        events.add(new Event(t, Kind.GONE, node, pid, null, null, 0, 0, null, List.of(), List.of(), List.of()));
    }

    /** The process delivered message {@code id} of {@code sender}/{@code senderPid} in {@code group}. */
    public void deliver(long t, int node, int pid, String group, String id, int sender, int senderPid) {
        events.add(new Event(t, Kind.DELIVER, node, pid, group, id, sender, senderPid, null, List.of(), List.of(), List.of()));
    }

    /** The process delivered a confchg of {@code group} installing {@code view}. */
    public void confchg(long t, int node, int pid, String group, String view, List<CpgAddress> members,
            List<CpgAddress> left, List<CpgAddress> joined) {
        events.add(new Event(t, Kind.CONFCHG, node, pid, group, null, 0, 0, view, List.copyOf(members), List.copyOf(left),
                List.copyOf(joined)));
    }

    /** {@code node} crashed: every process on it is gone. */
    public void crash(long t, int node) {
        events.add(new Event(t, Kind.CRASH, node, 0, null, null, 0, 0, null, List.of(), List.of(), List.of()));
    }

    /** From this time on no fault happens and the workload has stopped: liveness applies. */
    public void quietFrom(long timeMicros) {
        quietFromMicros = Math.min(quietFromMicros, timeMicros);
    }

    /** When the faults stopped; {@code Long.MAX_VALUE} if they never did. */
    public long quietFromMicros() {
        return quietFromMicros;
    }

    /** Every event, in order. */
    public List<Event> events() {
        return Collections.unmodifiableList(events);
    }

    /** Deliveries over all processes. */
    public long deliveries() {
        return events.stream().filter(e -> e.kind() == Kind.DELIVER).count();
    }
}
