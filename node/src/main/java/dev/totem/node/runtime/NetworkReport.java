package dev.totem.node.runtime;

import dev.totem.node.runtime.NodeCounters.Stat;
import dev.totem.protocol.api.Effect;
import dev.totem.rrp.NetworkState;
import dev.totem.rrp.RedundantRing;
import dev.totem.rrp.RrpMode;
import dev.totem.rrp.RrpStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node says about its networks: a log line for each transition of the redundant ring
 * (a network marked faulty, a network re-enabled), and each network's status, its redundant
 * ring counters and its sockets' counters for {@link NodeStatus}. Event loop only.
 */
final class NetworkReport {
    /** The machine name of the redundant ring's transitions. */
    static final String RRP_MACHINE = "rrp";
    /** The ring words its reasons "network N: why". */
    private static final Pattern REASON = Pattern.compile("network (\\d{1,3}): (.*)", Pattern.DOTALL);

    private final RedundantRing ring;
    private final Networks networks;
    private final NodeLog log;

    NetworkReport(RedundantRing ring, Networks networks, NodeLog log) {
        this.ring = ring;
        this.networks = networks;
        this.log = log;
    }

    /**
     * Logs a transition of the redundant ring, one line with the reason: a warning when a
     * network is marked faulty, information when it works again.
     *
     * @return whether it was one (other machines' transitions are the caller's)
     */
    boolean logged(Effect.Transition transition) {
        if (!RRP_MACHINE.equals(transition.machine())) {
            return false;
        }
        Matcher m = REASON.matcher(transition.reason());
        String network = m.matches() ? NetworkSettings.name(Integer.parseInt(m.group(1))) : "a network";
        String why = m.matches() ? m.group(2) : transition.reason();
        if (NetworkState.FAULTY.name().equals(transition.to())) {
            log.warning("network " + network + " marked FAULTY: " + why + "; frames go on the other networks");
        } else {
            log.info("network " + network + " re-enabled (" + transition.to() + "): " + why);
        }
        return true;
    }

    /**
     * Every network's status, ring0 first: the redundant ring's state and reason; a socket send
     * failure in the last {@code faultWindowSeconds} is added, and is a fault of its own when
     * there is one network (no ring to judge it).
     */
    List<NodeStatus.NetworkStatus> status(long nowNanos, int faultWindowSeconds) {
        List<dev.totem.rrp.NetworkStatus> rrp = ring.status();
        List<NodeStatus.NetworkStatus> out = new ArrayList<>(networks.count());
        for (int i = 0; i < networks.count(); i++) {
            UdpNetwork sockets = networks.get(i);
            dev.totem.rrp.NetworkStatus r = rrp.get(i);
            String sendFailure = sockets.recentSendFailure(nowNanos, faultWindowSeconds);
            String status;
            if (!sockets.isOpen()) {
                status = "closed";
            } else if (r.state() == NetworkState.FAULTY) {
                status = NodeStatus.NetworkStatus.FAULTY + ": " + r.lastFault() + (sendFailure != null ? "; " + sendFailure : "");
            } else if (sendFailure == null) {
                status = NodeStatus.NetworkStatus.ACTIVE;
            } else if (ring.config().mode() == RrpMode.NONE) {
                // One network: the sockets are the only judge.
                status = NodeStatus.NetworkStatus.FAULTY + ": " + sendFailure;
            } else {
                // The redundant ring judges by what arrives; a failed send alone does not fault a network.
                status = NodeStatus.NetworkStatus.ACTIVE + " (" + sendFailure + " in the last " + faultWindowSeconds + " s)";
            }
            out.add(new NodeStatus.NetworkStatus(i, sockets.address(), status, counters(r, sockets.counters())));
        }
        return out;
    }

    /**
     * Puts the networks' numbers into a snapshot's {@code values}: the redundant ring's counters
     * of no single network, and the sockets' counters summed over the networks.
     *
     * @return each network's sockets' values, by network then {@link Stat#ordinal()}
     */
    long[][] fill(long[] values) {
        RrpStats rrp = ring.stats();
        values[Stat.RRP_TOKEN_RESENDS.ordinal()] = rrp.tokenResends;
        values[Stat.RRP_TOKEN_WAITS_EXPIRED.ordinal()] = rrp.tokenWaitsExpired;
        values[Stat.RRP_PROBES_MISROUTED.ordinal()] = rrp.probesMisrouted;
        values[Stat.RRP_BAD_FRAMES.ordinal()] = rrp.badRrpFrames;
        long[][] perNetwork = networks.counterValues();
        Networks.addTotals(values, perNetwork);
        return perNetwork;
    }

    private static Map<String, Long> counters(dev.totem.rrp.NetworkStatus r, NodeCounters sockets) {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("frames_sent", r.framesSent());
        c.put("tokens_sent", r.tokensSent());
        c.put("frames_received", r.framesReceived());
        c.put("tokens_received", r.tokensReceived());
        c.put("probes_sent", r.probesSent());
        c.put("probes_received", r.probesReceived());
        c.put("duplicates_dropped", r.duplicatesDropped());
        c.put("problem_count", (long) r.problemCount());
        c.put("token_lag", r.tokenLag());
        c.put("mcast_lag", r.mcastLag());
        c.put("faults", r.faults());
        c.put("datagrams_sent", sockets.get(Stat.FRAMES_SENT_UNICAST) + sockets.get(Stat.FRAMES_SENT_MULTICAST));
        c.put("datagrams_received", sockets.get(Stat.FRAMES_RECEIVED_UNICAST) + sockets.get(Stat.FRAMES_RECEIVED_MULTICAST));
        c.put("send_errors", sockets.get(Stat.SEND_ERRORS));
        return c;
    }
}
