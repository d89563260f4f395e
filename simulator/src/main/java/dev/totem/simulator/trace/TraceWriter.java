package dev.totem.simulator.trace;

import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.Reason;
import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import java.util.List;

/**
 * Formats the events of a history (simulated or real) as JSON Lines, the format described in
 * {@code simulator/README.md}: one object per line, fields in a fixed order starting with
 * {@code t} (virtual or real time in whole microseconds), {@code node} (0 for global events) and
 * {@code ev}. The same events in the same order give the same bytes, so a {@link TraceHash}
 * fingerprints a run.
 *
 * <p>Not thread safe: one writer belongs to one simulation or one node's event loop.
 */
public final class TraceWriter {
    /** The {@code node} value of events that belong to no node (partition, block, heal). */
    public static final int GLOBAL_NODE = 0;

    private static final long NANOS_PER_MICRO = 1_000;

    private final TraceSink sink;
    private final boolean enabled;
    private final StringBuilder line = new StringBuilder(256);
    private long lines;

    /** A writer that sends every line to {@code sink}. */
    public TraceWriter(TraceSink sink) {
        if (sink == null) {
            throw new IllegalArgumentException("sink is null; use TraceWriter.nowhere()");
        }
        this.sink = sink;
        this.enabled = sink != TraceSink.NOWHERE;
    }

    /** A writer that writes nothing and formats nothing. */
    public static TraceWriter nowhere() {
        return new TraceWriter(TraceSink.NOWHERE);
    }

    /** Whether lines go anywhere; callers may skip work (such as parsing ids) when not. */
    public boolean enabled() {
        return enabled;
    }

    /** Number of lines written. */
    public long lines() {
        return lines;
    }

    /** The node's engine was started for the first time. */
    public void start(long timeNanos, int node) {
        nodeEvent(timeNanos, node, "start");
    }

    /** The node's engine accepted an application message. */
    public void submit(long timeNanos, int node, String id, Guarantee guarantee) {
        if (begin(timeNanos, node, "submit")) {
            line.append(",\"id\":");
            JsonText.appendString(line, id);
            line.append(",\"guarantee\":\"").append(guarantee.traceName()).append('"');
            end();
        }
    }

    /** The node delivered an application message to its application. */
    public void deliver(long timeNanos, int node, String id, int sender, Guarantee guarantee, RingId ring) {
        if (begin(timeNanos, node, "deliver")) {
            line.append(",\"id\":");
            JsonText.appendString(line, id);
            line.append(",\"sender\":").append(sender);
            line.append(",\"guarantee\":\"").append(guarantee.traceName()).append('"');
            appendRing(ring);
            end();
        }
    }

    /** The node delivered a configuration change; {@code members} ascending. */
    public void config(long timeNanos, int node, ConfigurationKind kind, RingId ring, int[] members) {
        if (begin(timeNanos, node, "config")) {
            line.append(",\"kind\":\"").append(kind.traceName()).append('"');
            appendRing(ring);
            line.append(",\"members\":");
            JsonText.appendIntArray(line, members);
            end();
        }
    }

    /** The node reported that the token of {@code ring} was lost. */
    public void tokenLost(long timeNanos, int node, RingId ring) {
        if (begin(timeNanos, node, "token_lost")) {
            appendRing(ring);
            end();
        }
    }

    /** A state machine of the node changed state. */
    public void transition(long timeNanos, int node, String machine, String from, String to, String reason) {
        if (begin(timeNanos, node, "transition")) {
            appendField("machine", machine);
            appendField("from", from);
            appendField("to", to);
            appendField("reason", reason);
            end();
        }
    }

    /** The node crashed: its engine and timers are gone. */
    public void crash(long timeNanos, int node) {
        nodeEvent(timeNanos, node, "crash");
    }

    /** The node restarted with a new engine and its persistent store. */
    public void restart(long timeNanos, int node) {
        nodeEvent(timeNanos, node, "restart");
    }

    /** The node stopped processing input. */
    public void pause(long timeNanos, int node) {
        nodeEvent(timeNanos, node, "pause");
    }

    /** The node processes input again. */
    public void resume(long timeNanos, int node) {
        nodeEvent(timeNanos, node, "resume");
    }

    /** The network was split into {@code groups} of node ids that reach only each other. */
    public void partition(long timeNanos, int[][] groups) {
        if (begin(timeNanos, GLOBAL_NODE, "partition")) {
            appendGroups(groups);
            end();
        }
    }

    /** Network {@code network} alone was split into {@code groups}; the others are unchanged. */
    public void netPartition(long timeNanos, int network, int[][] groups) {
        if (begin(timeNanos, GLOBAL_NODE, "net_partition")) {
            line.append(",\"network\":").append(network);
            appendGroups(groups);
            end();
        }
    }

    /** Every partition and block of network {@code network} was lifted. */
    public void netHeal(long timeNanos, int network) {
        if (begin(timeNanos, GLOBAL_NODE, "net_heal")) {
            line.append(",\"network\":").append(network);
            end();
        }
    }

    /** Node {@code deaf} hears nothing on network {@code network} from now on; the others still hear it. */
    public void netDeaf(long timeNanos, int network, int deaf) {
        if (begin(timeNanos, GLOBAL_NODE, "net_deaf")) {
            line.append(",\"network\":").append(network).append(",\"deaf\":").append(deaf);
            end();
        }
    }

    /** From now on each frame copy on network {@code network} is lost with {@code probability}. */
    public void netLoss(long timeNanos, int network, double probability) {
        if (begin(timeNanos, GLOBAL_NODE, "net_loss")) {
            line.append(",\"network\":").append(network).append(",\"loss\":").append(probability);
            end();
        }
    }

    private void appendGroups(int[][] groups) {
        line.append(",\"groups\":[");
        for (int i = 0; i < groups.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            JsonText.appendIntArray(line, groups[i]);
        }
        line.append(']');
    }

    /** Frames from {@code fromNode} no longer reach {@code toNode} (the other direction is unchanged). */
    public void block(long timeNanos, int fromNode, int toNode) {
        if (begin(timeNanos, GLOBAL_NODE, "block")) {
            line.append(",\"from\":").append(fromNode).append(",\"to\":").append(toNode);
            end();
        }
    }

    /** Every partition and block was lifted. */
    public void heal(long timeNanos) {
        nodeEvent(timeNanos, GLOBAL_NODE, "heal");
    }

    /** Global: no fault happens from now on, so the liveness property applies to what follows. */
    public void quiet(long timeNanos) {
        nodeEvent(timeNanos, GLOBAL_NODE, "quiet");
    }

    /** Process {@code pid} of the node asked to join {@code group}, and its node accepted. */
    public void cpgJoin(long timeNanos, int node, int pid, String group) {
        cpgProcessEvent(timeNanos, node, "cpg_join", pid, group);
    }

    /** Process {@code pid} asked to leave {@code group}, and its node accepted. */
    public void cpgLeave(long timeNanos, int node, int pid, String group) {
        cpgProcessEvent(timeNanos, node, "cpg_leave", pid, group);
    }

    /** Process {@code pid} went away without leaving its groups. */
    public void cpgGone(long timeNanos, int node, int pid) {
        if (begin(timeNanos, node, "cpg_gone")) {
            line.append(",\"pid\":").append(pid);
            end();
        }
    }

    /** Process {@code pid} multicast message {@code id} to {@code group}, and its node accepted it. */
    public void cpgMcast(long timeNanos, int node, int pid, String group, String id) {
        if (begin(timeNanos, node, "cpg_mcast")) {
            appendPidGroup(pid, group);
            appendField("id", id);
            end();
        }
    }

    /** Process {@code pid} delivered message {@code id} of process {@code senderPid} on {@code sender} in {@code group}. */
    public void cpgDeliver(long timeNanos, int node, int pid, String group, String id, int sender, int senderPid) {
        if (begin(timeNanos, node, "cpg_deliver")) {
            appendPidGroup(pid, group);
            appendField("id", id);
            line.append(",\"sender\":").append(sender).append(",\"sender_pid\":").append(senderPid);
            end();
        }
    }

    /**
     * Process {@code pid} delivered a confchg of {@code group}: {@code view} names the group view
     * it installs, {@code members} as [node, pid] pairs, {@code left} and {@code joined} as
     * [node, pid, reason] triples.
     */
    public void cpgConfchg(long timeNanos, int node, int pid, String group, String view, List<CpgAddress> members,
            List<CpgAddress> left, List<CpgAddress> joined) {
        if (begin(timeNanos, node, "cpg_confchg")) {
            appendPidGroup(pid, group);
            appendField("view", view);
            appendAddresses("members", members, false);
            appendAddresses("left", left, true);
            appendAddresses("joined", joined, true);
            end();
        }
    }

    private void cpgProcessEvent(long timeNanos, int node, String event, int pid, String group) {
        if (begin(timeNanos, node, event)) {
            appendPidGroup(pid, group);
            end();
        }
    }

    private void appendPidGroup(int pid, String group) {
        line.append(",\"pid\":").append(pid);
        appendField("group", group);
    }

    private void appendAddresses(String name, List<CpgAddress> addresses, boolean reasons) {
        line.append(",\"").append(name).append("\":[");
        for (int i = 0; i < addresses.size(); i++) {
            CpgAddress a = addresses.get(i);
            line.append(i == 0 ? "[" : ",[").append(a.nodeId()).append(',').append(a.pid());
            if (reasons) {
                line.append(",\"").append(reasonName(a.reason())).append('"');
            }
            line.append(']');
        }
        line.append(']');
    }

    /** The trace spelling of a confchg reason: corosync's name in lower case. */
    public static String reasonName(Reason reason) {
        return reason.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void nodeEvent(long timeNanos, int node, String event) {
        if (begin(timeNanos, node, event)) {
            end();
        }
    }

    private boolean begin(long timeNanos, int node, String event) {
        if (!enabled) {
            return false;
        }
        line.setLength(0);
        line.append("{\"t\":").append(timeNanos / NANOS_PER_MICRO)
                .append(",\"node\":").append(node)
                .append(",\"ev\":\"").append(event).append('"');
        return true;
    }

    private void appendRing(RingId ring) {
        // Same spelling as RingId.toString(), without building a String per line.
        line.append(",\"ring\":\"").append(ring.rep()).append(':').append(ring.seq()).append('"');
    }

    private void appendField(String name, String value) {
        line.append(",\"").append(name).append("\":");
        JsonText.appendString(line, value);
    }

    private void end() {
        line.append("}\n");
        lines++;
        sink.line(line);
    }
}
