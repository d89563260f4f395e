package dev.totem.cli;

import dev.totem.node.admin.AdminClient;
import dev.totem.node.runtime.NodeStatus;
import dev.totem.simulator.trace.JsonText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem status}: asks a running node over its admin socket and prints its ring status,
 * laid out as {@code corosync-cfgtool -s} does.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show a running node's ring, members and networks.")
public final class StatusCommand implements Callable<Integer> {

    /** The counters shown without {@code --all}, in this order. */
    static final List<String> KEY_COUNTERS = List.of(
            "frames_sent_unicast", "frames_sent_multicast", "frames_received_unicast", "frames_received_multicast",
            "frames_dropped_unlisted", "frames_rejected", "frames_retransmitted", "token_rotations", "token_losses",
            "process_pauses", "configurations_regular", "delivered_agreed", "delivered_safe", "send_queue_frames", "engine_errors",
            "cpg_groups", "cpg_clients");

    @Spec
    private CommandSpec spec;

    @Mixin
    private AdminSocketOption socket;

    @Option(names = "--all", description = "Show every counter, not only the key ones.")
    private boolean all;

    @Option(names = "--json", description = "One JSON object with every field and counter, for scripts.")
    private boolean json;

    @Override
    public Integer call() {
        NodeStatus status;
        try {
            status = AdminClient.status(socket.path());
        } catch (NoSuchFileException e) {
            throw new UserError("no admin socket at " + socket.path() + ": is the node running? (pass --socket PATH)", e);
        } catch (IOException e) {
            throw new UserError("cannot get the status from " + socket.path() + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(status));
            out.flush();
        } else {
            print(out, status, all);
        }
        return ExitCode.OK;
    }

    /**
     * {@code {"node_id":2,"transport":"udpu","ring_id":"1:9","state":"OPERATIONAL","members":[1,2,3],
     * "listed":[1,2,3,4],"held_off_ms":{"4":5940},"networks":[{"id":0,"address":"...","status":"...","faulty":false,"counters":{...}}],"counters":{...}}}
     */
    static String json(NodeStatus s) {
        StringBuilder b = new StringBuilder("{\"node_id\":").append(s.nodeId()).append(",\"transport\":");
        JsonText.appendString(b, s.transport().configName());
        b.append(",\"ring_id\":");
        JsonText.appendString(b, s.ringId().toString());
        b.append(",\"state\":");
        JsonText.appendString(b, s.state());
        b.append(",\"members\":");
        JsonText.appendIntArray(b, s.members().stream().mapToInt(Integer::intValue).toArray());
        b.append(",\"listed\":");
        JsonText.appendIntArray(b, s.listed().stream().mapToInt(Integer::intValue).toArray());
        b.append(",\"held_off_ms\":");
        Map<String, Long> held = new LinkedHashMap<>();
        s.heldOff().forEach((node, ms) -> held.put(Integer.toString(node), ms));
        JsonText.appendLongObject(b, held);
        b.append(",\"networks\":[");
        for (int i = 0; i < s.networks().size(); i++) {
            NodeStatus.NetworkStatus n = s.networks().get(i);
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(n.id()).append(",\"address\":");
            JsonText.appendString(b, n.address());
            b.append(",\"status\":");
            JsonText.appendString(b, n.status());
            b.append(",\"faulty\":").append(n.faulty()).append(",\"counters\":");
            JsonText.appendLongObject(b, n.counters());
            b.append('}');
        }
        b.append("],\"counters\":");
        JsonText.appendLongObject(b, s.counters());
        return b.append('}').toString();
    }

    static void print(PrintWriter out, NodeStatus s, boolean allCounters) {
        out.println("Printing ring status.");
        out.println("Local node ID " + s.nodeId() + ", transport " + s.transport().configName());
        out.println("Ring ID " + s.ringId() + ", state " + s.state());
        if (s.counters().containsKey("token_timeout_ms")) {
            // What the engine runs with: after a config reload, where an operator sees it took.
            out.println("Totem: token " + s.counter("token_timeout_ms") + " ms, consensus " + s.counter("consensus_timeout_ms")
                    + " ms, window_size " + s.counter("window_size") + ", max_messages " + s.counter("max_messages"));
        }
        out.println("Members (" + s.members().size() + "): "
                + String.join(" ", s.members().stream().map(String::valueOf).toList()));
        if (!s.absent().isEmpty()) {
            // After a reload that added a node, this is where an operator sees it has not joined yet.
            out.println("Not in the ring: " + String.join(" ", s.absent().stream().map(String::valueOf).toList())
                    + " (listed in the nodelist)");
        }
        if (!s.heldOff().isEmpty()) {
            // Why a node does not come back: the ring keeps shutting it out (membership/README.md).
            out.println("Held off: " + String.join(", ", s.heldOff().entrySet().stream()
                    .map(h -> "node " + h.getKey() + " for " + String.format(Locale.ROOT, "%.1f", h.getValue() / 1000.0)
                            + " s more")
                    .toList()) + " (shut out of the ring again and again while alive: a one-way or partial link?"
                    + " Once it is repaired, restarting the node lets it in at once)");
        }
        boolean redundant = s.networks().size() > 1;
        for (NodeStatus.NetworkStatus n : s.networks()) {
            out.println("RING ID " + n.id());
            out.println("\tid\t= " + n.address());
            out.println("\tstatus\t= ring " + n.id() + " " + n.status());
            if (redundant || allCounters) {
                printNetwork(out, n);
            }
        }
        out.println("Counters:");
        List<String> names = allCounters ? List.copyOf(s.counters().keySet()) : KEY_COUNTERS;
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        for (String name : names) {
            Long value = s.counters().get(name);
            if (value != null) {
                out.printf("\t%-" + width + "s = %d%n", name, value);
            }
        }
        out.flush();
    }

    /** A redundant ring's view of one network: its state, why it is faulty, and its traffic. */
    private static void printNetwork(PrintWriter out, NodeStatus.NetworkStatus n) {
        out.println("\tstate\t= " + (n.faulty() ? "FAULTY" : "ACTIVE"));
        if (n.faulty()) {
            out.println("\treason\t= " + n.status().substring(NodeStatus.NetworkStatus.FAULTY.length()).replaceFirst("^: ", ""));
        }
        out.println("\tframes\t= sent " + n.counter("frames_sent") + ", received " + n.counter("frames_received"));
        out.println("\ttokens\t= sent " + n.counter("tokens_sent") + ", received " + n.counter("tokens_received"));
        out.println("\tprobes\t= sent " + n.counter("probes_sent") + ", received " + n.counter("probes_received"));
        out.println("\tfaults\t= " + n.counter("faults"));
    }
}
