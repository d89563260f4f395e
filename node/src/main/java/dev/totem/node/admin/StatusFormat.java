package dev.totem.node.admin;

import dev.totem.node.runtime.NodeStatus;
import dev.totem.node.runtime.NodeStatus.NetworkStatus;
import dev.totem.node.runtime.Transport;
import dev.totem.protocol.api.RingId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin socket's answer to {@code status}: one {@code key value} pair per line, ended by a
 * line {@code end}, so a shell user can read it with {@code socat} and {@link AdminClient} can
 * parse it back:
 *
 * <pre>
 * node_id 2
 * transport udpu
 * ring_id 1:12
 * state OPERATIONAL
 * members 1 2 3
 * listed 1 2 3 4
 * network 0 127.0.0.2:5405 active with no faults
 * network_counter 0 frames_sent 1200
 * network 1 127.1.0.2:5406 FAULTY: node 1 heard on another network but not on this one for 550 ms
 * network_counter 1 frames_sent 34
 * counter frames_sent_unicast 1234
 * end
 * </pre>
 */
final class StatusFormat {
    static final String END = "end";

    private StatusFormat() {}

    static String format(NodeStatus s) {
        StringBuilder out = new StringBuilder(1024);
        line(out, "node_id", Integer.toString(s.nodeId()));
        line(out, "transport", s.transport().configName());
        line(out, "ring_id", s.ringId().toString());
        line(out, "state", s.state());
        StringBuilder members = new StringBuilder();
        for (int m : s.members()) {
            members.append(members.length() == 0 ? "" : " ").append(m);
        }
        line(out, "members", members.toString());
        if (!s.listed().isEmpty()) {
            line(out, "listed", String.join(" ", s.listed().stream().map(String::valueOf).toList()));
        }
        for (Map.Entry<Integer, Long> h : s.heldOff().entrySet()) {
            line(out, "held_off", h.getKey() + " " + h.getValue());
        }
        for (NetworkStatus n : s.networks()) {
            line(out, "network", n.id() + " " + n.address().replace(' ', '_') + " " + oneLine(n.status()));
            for (Map.Entry<String, Long> c : n.counters().entrySet()) {
                line(out, "network_counter", n.id() + " " + c.getKey() + " " + c.getValue());
            }
        }
        for (Map.Entry<String, Long> c : s.counters().entrySet()) {
            line(out, "counter", c.getKey() + " " + c.getValue());
        }
        return out.append(END).append('\n').toString();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append(' ').append(value).append('\n');
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    /** @throws IllegalArgumentException when {@code text} is not a status answer */
    static NodeStatus parse(String text) {
        int nodeId = 0;
        Transport transport = null;
        RingId ringId = null;
        String state = null;
        List<Integer> members = new ArrayList<>();
        List<Integer> listed = new ArrayList<>();
        List<NetworkStatus> networks = new ArrayList<>();
        Map<Integer, Map<String, Long>> networkCounters = new LinkedHashMap<>();
        Map<String, Long> counters = new LinkedHashMap<>();
        Map<Integer, Long> heldOff = new LinkedHashMap<>();
        boolean ended = false;
        for (String line : text.split("\n")) {
            if (line.equals(END)) {
                ended = true;
                break;
            }
            int space = line.indexOf(' ');
            String key = space < 0 ? line : line.substring(0, space);
            String value = space < 0 ? "" : line.substring(space + 1);
            try {
                switch (key) {
                    case "node_id" -> nodeId = Integer.parseInt(value);
                    case "transport" -> transport = Transport.valueOf(value.toUpperCase(Locale.ROOT));
                    case "ring_id" -> {
                        int colon = value.indexOf(':');
                        ringId = new RingId(Integer.parseInt(value.substring(0, colon)),
                                Long.parseLong(value.substring(colon + 1)));
                    }
                    case "state" -> state = value;
                    case "members" -> ids(value, members);
                    case "listed" -> ids(value, listed);
                    case "held_off" -> {
                        String[] parts = value.split(" ", 2);
                        heldOff.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                    }
                    case "network" -> {
                        String[] parts = value.split(" ", 3);
                        networks.add(new NetworkStatus(Integer.parseInt(parts[0]), parts[1].replace('_', ' '),
                                parts.length > 2 ? parts[2] : ""));
                    }
                    case "network_counter" -> {
                        String[] parts = value.split(" ", 3);
                        networkCounters.computeIfAbsent(Integer.parseInt(parts[0]), k -> new LinkedHashMap<>())
                                .put(parts[1], Long.parseLong(parts[2]));
                    }
                    case "counter" -> {
                        String[] parts = value.split(" ", 2);
                        counters.put(parts[0], Long.parseLong(parts[1]));
                    }
                    default -> { } // a newer node may say more; ignore what we do not know
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad status line: " + line, e);
            }
        }
        if (!ended || transport == null || ringId == null || state == null) {
            throw new IllegalArgumentException("not a complete status answer: "
                    + (text.length() > 200 ? text.substring(0, 200) + "..." : text));
        }
        List<NetworkStatus> withCounters = new ArrayList<>();
        for (NetworkStatus n : networks) {
            withCounters.add(new NetworkStatus(n.id(), n.address(), n.status(), networkCounters.getOrDefault(n.id(), Map.of())));
        }
        return new NodeStatus(nodeId, transport, ringId, state, members, withCounters, counters, heldOff, listed);
    }

    /** Adds the node ids of a space-separated list (empty for none). */
    private static void ids(String value, List<Integer> into) {
        for (String id : value.split(" ")) {
            if (!id.isEmpty()) {
                into.add(Integer.parseInt(id));
            }
        }
    }
}
