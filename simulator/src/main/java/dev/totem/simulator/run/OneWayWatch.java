package dev.totem.simulator.run;

import dev.totem.protocol.api.Effect;
import dev.totem.simulator.SimulationListener;
import dev.totem.simulator.check.Violation;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * oneway-stability: while one link fails in one direction ({@link FaultProfile#ONEWAY}), each node
 * the fault does not touch installs at most {@link #MAX_RINGS} regular configurations. Without the
 * merge hold-off the ring re-forms without end: when the deaf node's consensus timeout shuts the
 * other end out, whose next frame pulls everyone into gather again, about once per token and
 * consensus timeout (24 to 29 rings in the profile's phase of 60 token timeouts, seeds 1..30 of 3
 * and 5 nodes); when the deaf node fails to receive, every few seconds (93 to 120). With it the
 * retries come after holds that double from one consensus timeout to sixteen: 7 to 12.
 */
final class OneWayWatch implements SimulationListener {
    /** Regular configurations an untouched node may install while the link is down. */
    static final int MAX_RINGS = 16;

    private final TreeSet<Integer> untouched = new TreeSet<>();
    private boolean faulty;
    private final Map<Integer, Integer> rings = new TreeMap<>();
    private String link = "";

    OneWayWatch(int[] ids) {
        for (int id : ids) {
            untouched.add(id);
        }
    }

    @Override
    public void onBlock(long timeNanos, int fromNodeId, int toNodeId) {
        faulty = true;
        untouched.remove(fromNodeId);
        untouched.remove(toNodeId);
        link = fromNodeId + " -> " + toNodeId;
    }

    @Override
    public void onHeal(long timeNanos) {
        faulty = false;
    }

    @Override
    public void onConfigurationChange(long timeNanos, int nodeId, Effect.ConfigurationChange change) {
        if (faulty && change.kind() == Effect.ConfigurationKind.REGULAR && untouched.contains(nodeId)) {
            rings.merge(nodeId, 1, Integer::sum);
        }
    }

    /** @return the violation, if an untouched node installed more rings than allowed while the link was down */
    List<Violation> check() {
        for (Map.Entry<Integer, Integer> e : rings.entrySet()) {
            if (e.getValue() > MAX_RINGS) {
                return List.of(new Violation("oneway-stability", "node " + e.getKey() + " installed " + e.getValue()
                        + " rings while link " + link + " was down in one direction (at most " + MAX_RINGS
                        + " allowed): the ring kept re-forming"));
            }
        }
        return List.of();
    }
}
