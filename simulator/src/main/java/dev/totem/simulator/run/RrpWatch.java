package dev.totem.simulator.run;

import dev.totem.protocol.api.Effect;
import dev.totem.rrp.NetworkState;
import dev.totem.rrp.RrpConfig;
import dev.totem.simulator.SimulationListener;
import dev.totem.simulator.check.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The redundant ring's fault detection in a run whose networks fail one at a time
 * ({@link FaultProfile#NETFAIL}), judged from the network faults the simulation applied and the
 * {@code rrp} transitions the nodes reported:
 *
 * <ul>
 *   <li>rrp-detection: a network cut (all its copies lost, or split in two) for longer than the
 *       silence time and two probe intervals is marked faulty by every node before the cut ends
 *       (or one probe interval after): an operator sees the fault, in active mode too, where the
 *       other network's copies hide it from the ring;
 *   <li>rrp-recovery: once the faults are over, every node uses every network again;
 *   <li>rrp-masking: no configuration change after the first ring, as one network failing at a
 *       time never costs the ring (the run counts the configuration changes).
 * </ul>
 */
final class RrpWatch implements SimulationListener {
    /** A network fault that every node should see: the network, and when it began and ended. */
    private record Cut(int network, long startNanos, long endNanos) {}

    private final RrpConfig config;
    private final int[] ids;
    /** Per network, when its current cut began; -1 while it is not cut. */
    private final long[] cutSince;
    private final List<Cut> cuts = new ArrayList<>();
    /** Per node, per network, whether the node has it faulty now. */
    private final Map<Integer, boolean[]> faultyNow = new HashMap<>();
    /** Per node, per network, every change of state: {time, 1 faulty or 0 in use}. */
    private final Map<Integer, List<List<long[]>>> changes = new HashMap<>();

    RrpWatch(RrpConfig config, int[] ids) {
        this.config = config;
        this.ids = ids.clone();
        this.cutSince = new long[config.networks()];
        java.util.Arrays.fill(cutSince, -1);
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
            begin(network, timeNanos);
        } else {
            end(network, timeNanos);
        }
    }

    @Override
    public void onNetworkPartition(long timeNanos, int network, int[][] groups) {
        begin(network, timeNanos);
    }

    @Override
    public void onNetworkHeal(long timeNanos, int network) {
        end(network, timeNanos);
    }

    private void begin(int network, long timeNanos) {
        if (cutSince[network] < 0) {
            cutSince[network] = timeNanos;
        }
    }

    private void end(int network, long timeNanos) {
        if (cutSince[network] >= 0) {
            cuts.add(new Cut(network, cutSince[network], timeNanos));
            cutSince[network] = -1;
        }
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
        List<Cut> all = new ArrayList<>(cuts);
        for (int n = 0; n < cutSince.length; n++) {
            if (cutSince[n] >= 0) {
                all.add(new Cut(n, cutSince[n], nowNanos));
            }
        }
        long detectable = config.silenceNanos() + 2 * config.probeIntervalNanos();
        for (Cut c : all) {
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
