package dev.totem.simulator.run;

import dev.totem.protocol.api.Effect;
import dev.totem.rrp.NetworkState;
import dev.totem.rrp.RrpConfig;
import dev.totem.rrp.RrpMode;
import dev.totem.simulator.SimulationListener;
import dev.totem.simulator.check.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The redundant ring's fault detection in a run whose networks fail one at a time
 * ({@link FaultProfile#NETFAIL}, {@link FaultProfile#NETFAIL_ONEWAY}), judged from the network
 * faults the simulation applied and the {@code rrp} transitions the nodes reported:
 *
 * <ul>
 *   <li>rrp-detection: a network cut (all its copies lost, or split in two) for longer than the
 *       silence time and two probe intervals is marked faulty by every node before the cut ends
 *       (or one probe interval after): an operator sees the fault, in active mode too, where the
 *       other network's copies hide it from the ring; a node deaf on a network as long is seen
 *       by that node, and in passive mode by every node, which must stop sending there;
 *   <li>rrp-recovery: once the faults are over, every node uses every network again;
 *   <li>rrp-accuracy: a node marks a network faulty only while a fault touches that network (a
 *       cut, a split, loss above the {@link FaultPlan#NETFAIL_BASE_LOSS_MAX} every network keeps)
 *       or within a passive counter window ({@link RrpConfig#GAP_WINDOW_NANOS}) and a probe
 *       interval, the silence time and two probe intervals after it ends (a counter may cross its
 *       threshold with losses counted during the fault): a sound network is never reported
 *       broken;
 *   <li>rrp-masking: no configuration change after the first ring, as one network failing at a
 *       time never costs the ring (the run counts the configuration changes).
 * </ul>
 */
final class RrpWatch implements SimulationListener {
    /** A fault on one network: the network, and when it began and ended. */
    private record Span(int network, long startNanos, long endNanos) {}

    /** A node deaf on one network (it hears nothing there, it is still heard), from start to end. */
    private record Deafness(int network, int node, long startNanos, long endNanos) {
        /** This one-way fault, ended at {@code nanos}. */
        Deafness endedAt(long nanos) {
            return new Deafness(network, node, startNanos, nanos);
        }
    }

    /** Per network, when its current fault of any kind (cut, split, degraded) began; -1 while none. */
    private final long[] touchedSince;
    /** Every fault of any kind, ended or not yet. */
    private final List<Span> touches = new ArrayList<>();

    private final RrpConfig config;
    private final int[] ids;
    /** Per network, when its current cut began; -1 while it is not cut. */
    private final long[] cutSince;
    /** The cuts (every copy lost, or the network split), which every node should see. */
    private final List<Span> cuts = new ArrayList<>();
    /** Per network, its one-way fault going on (its end not known yet), or null while none. */
    private final Deafness[] deafNow;
    /** Every one-way fault ended. */
    private final List<Deafness> deafness = new ArrayList<>();
    /** Per node, per network, whether the node has it faulty now. */
    private final Map<Integer, boolean[]> faultyNow = new HashMap<>();
    /** Per node, per network, every change of state: {time, 1 faulty or 0 in use}. */
    private final Map<Integer, List<List<long[]>>> changes = new HashMap<>();

    RrpWatch(RrpConfig config, int[] ids) {
        this.config = config;
        this.ids = ids.clone();
        this.cutSince = new long[config.networks()];
        java.util.Arrays.fill(cutSince, -1);
        this.deafNow = new Deafness[config.networks()];
        this.touchedSince = new long[config.networks()];
        java.util.Arrays.fill(touchedSince, -1);
        for (int id : ids) {
            faultyNow.put(id, new boolean[config.networks()]);
            List<List<long[]>> perNetwork = new ArrayList<>();
            for (int n = 0; n < config.networks(); n++) {
                perNetwork.add(new ArrayList<>());
            }
            changes.put(id, perNetwork);
        }
    }

    @Override
    public void onNetworkLoss(long timeNanos, int network, double probability) {
        if (probability >= 1.0) {
            open(cutSince, network, timeNanos);
        } else {
            close(cutSince, cuts, network, timeNanos);
        }
        if (probability > FaultPlan.NETFAIL_BASE_LOSS_MAX) {
            open(touchedSince, network, timeNanos);
        } else {
            close(touchedSince, touches, network, timeNanos);
        }
    }

    @Override
    public void onNetworkPartition(long timeNanos, int network, int[][] groups) {
        open(cutSince, network, timeNanos);
        open(touchedSince, network, timeNanos);
    }

    @Override
    public void onNetworkDeaf(long timeNanos, int network, int nodeId) {
        open(touchedSince, network, timeNanos);
        if (deafNow[network] == null) {
            deafNow[network] = new Deafness(network, nodeId, timeNanos, -1);
        }
    }

    @Override
    public void onNetworkHeal(long timeNanos, int network) {
        close(cutSince, cuts, network, timeNanos);
        close(touchedSince, touches, network, timeNanos);
        if (deafNow[network] != null) {
            deafness.add(deafNow[network].endedAt(timeNanos));
            deafNow[network] = null;
        }
    }

    /** A span of {@code network} begins at {@code timeNanos}, unless one is already open. */
    private static void open(long[] since, int network, long timeNanos) {
        if (since[network] < 0) {
            since[network] = timeNanos;
        }
    }

    /** The open span of {@code network}, if any, ends at {@code timeNanos} and joins {@code ended}. */
    private static void close(long[] since, List<Span> ended, int network, long timeNanos) {
        if (since[network] >= 0) {
            ended.add(new Span(network, since[network], timeNanos));
            since[network] = -1;
        }
    }

    /** The spans ended, and those still open closed at {@code nowNanos}. */
    private static List<Span> all(List<Span> ended, long[] since, long nowNanos) {
        List<Span> out = new ArrayList<>(ended);
        for (int n = 0; n < since.length; n++) {
            if (since[n] >= 0) {
                out.add(new Span(n, since[n], nowNanos));
            }
        }
        return out;
    }

    @Override
    public void onTransition(long timeNanos, int nodeId, Effect.Transition t) {
        if (!t.machine().equals("rrp") || !faultyNow.containsKey(nodeId)) {
            return;
        }
        int network = networkOf(t.reason());
        if (network < 0 || network >= config.networks()) {
            return;
        }
        boolean faulty = t.to().equals(NetworkState.FAULTY.name());
        faultyNow.get(nodeId)[network] = faulty;
        changes.get(nodeId).get(network).add(new long[] {timeNanos, faulty ? 1 : 0});
    }

    /** N of a reason "network N: why"; -1 for another form. */
    static int networkOf(String reason) {
        if (!reason.startsWith("network ")) {
            return -1;
        }
        int colon = reason.indexOf(':');
        try {
            return Integer.parseInt(reason.substring("network ".length(), colon < 0 ? reason.length() : colon));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether {@code timeNanos} falls in a fault of {@code network} or within {@code graceNanos} after one. */
    private static boolean within(List<Span> faults, int network, long timeNanos, long graceNanos) {
        for (Span c : faults) {
            if (c.network() == network && timeNanos >= c.startNanos() && timeNanos <= c.endNanos() + graceNanos) {
                return true;
            }
        }
        return false;
    }

    /** Whether every node has every network in use. */
    boolean allInUse() {
        for (boolean[] f : faultyNow.values()) {
            for (boolean b : f) {
                if (b) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the state changes of one node's network show it faulty at some time in [from, to]. */
    static boolean faultyDuring(List<long[]> states, long from, long to) {
        boolean faulty = false;
        for (long[] s : states) {
            if (s[0] > to) {
                break;
            }
            if (s[0] >= from && faulty) {
                return true; // faulty already when the window reached this change
            }
            faulty = s[1] == 1;
            if (faulty && s[0] >= from) {
                return true;
            }
        }
        return faulty;
    }

    /**
     * The violations, once the run is over at {@code nowNanos} with {@code configChanges}
     * configuration changes after the first ring.
     */
    List<Violation> check(long nowNanos, long configChanges) {
        List<Violation> out = new ArrayList<>();
        if (configChanges > 0) {
            out.add(new Violation("rrp-masking", configChanges + " configuration changes after the first ring, though only"
                    + " one of " + config.networks() + " networks failed at a time"));
        }
        long detectable = config.silenceNanos() + 2 * config.probeIntervalNanos();
        for (Span c : all(cuts, cutSince, nowNanos)) {
            if (c.endNanos() - c.startNanos() < detectable) {
                continue;
            }
            for (int id : ids) {
                if (!faultyDuring(changes.get(id).get(c.network()), c.startNanos(), c.endNanos() + config.probeIntervalNanos())
                        && out.size() < 5) {
                    out.add(new Violation("rrp-detection", "node " + id + " never marked network " + c.network()
                            + " faulty while it was cut from " + c.startNanos() / 1_000_000 + " to " + c.endNanos() / 1_000_000
                            + " ms"));
                }
            }
        }
        List<Deafness> deaf = new ArrayList<>(deafness);
        for (Deafness d : deafNow) {
            if (d != null) {
                deaf.add(d.endedAt(nowNanos));
            }
        }
        for (Deafness d : deaf) {
            if (d.endNanos() - d.startNanos() < detectable) {
                continue;
            }
            // The deaf node hears no probe there; in passive mode the others follow it off the
            // network when its probe says it left, else their frames there would miss it.
            for (int id : ids) {
                if ((id == d.node() || config.mode() == RrpMode.PASSIVE)
                        && !faultyDuring(changes.get(id).get(d.network()), d.startNanos(),
                                d.endNanos() + config.probeIntervalNanos())
                        && out.size() < 5) {
                    out.add(new Violation("rrp-detection", "node " + id + " never marked network " + d.network()
                            + " faulty while node " + d.node() + " was deaf on it from " + d.startNanos() / 1_000_000
                            + " to " + d.endNanos() / 1_000_000 + " ms"));
                }
            }
        }
        List<Span> touched = all(touches, touchedSince, nowNanos);
        // How long after a fault its losses may still decide a mark: a counter window (cut at a
        // probe round) or a silence judged at the next probes.
        long evidenceNanos = RrpConfig.GAP_WINDOW_NANOS + config.probeIntervalNanos() + detectable;
        int falseFaults = 0;
        for (int id : ids) {
            for (int n = 0; n < config.networks(); n++) {
                for (long[] change : changes.get(id).get(n)) {
                    if (change[1] == 1 && !within(touched, n, change[0], evidenceNanos)
                            && falseFaults++ < 5) {
                        out.add(new Violation("rrp-accuracy", "node " + id + " marked network " + n + " faulty at "
                                + change[0] / 1_000_000 + " ms, when no fault had touched it"));
                    }
                }
            }
        }
        for (int id : ids) {
            boolean[] f = faultyNow.get(id);
            for (int n = 0; n < f.length; n++) {
                if (f[n]) {
                    out.add(new Violation("rrp-recovery", "node " + id + " still had network " + n + " faulty at "
                            + nowNanos / 1_000_000 + " ms, after the faults"));
                }
            }
        }
        return out;
    }
}
