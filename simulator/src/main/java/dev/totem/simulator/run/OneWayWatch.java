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
 * the fault does not touch installs at most {@link #MAX_RINGS} regular configurations, and each end
 * of the link at most {@link #MAX_RINGS_AT_THE_LINK}, both {@link #LOSS_ALLOWANCE} more under loss. Without the
 * merge hold-off the ring re-forms without end: when the deaf node's consensus timeout shuts the
 * other end out, whose next frame pulls everyone into gather again, about once per token and
 * consensus timeout (24 to 29 rings in the profile's phase of 60 token timeouts, seeds 1..30 of 3
 * and 5 nodes); when the deaf node fails to receive, every few seconds (93 to 120). With it the
 * retries come after holds that double from one consensus timeout to sixteen: 7 to 13.
 */
final class OneWayWatch implements SimulationListener {
    /** Regular configurations an untouched node may install while the link is down: 7 to 13 seen. */
    static final int MAX_RINGS = 16;
    /**
     * Regular configurations either end of the link may install meanwhile. The shut-out end forms
     * a ring of its own at each try; without {@code MergeQuiet} it also formed one at each
     * consensus timeout, on the next frame of the others that it took for a merge (27 to 47 in the
     * phase, seeds 1..30 of 3 and 5 nodes; 10 to 18 with it).
     */
    static final int MAX_RINGS_AT_THE_LINK = 24;
    /**
     * What either bound grows by when the network also loses frames: loss adds token losses of
     * its own, and a member that missed every frame of the shut-out node in one change counts one
     * exclusion less than the others and tries it once early (joins carry the count, so the
     * holds after agree). Without an allowance: none of 600 seeds at 2 % loss (3, 5, 6 nodes) and
     * 3 of 1000 at 5 % (3, 5, 8 nodes) went over, at 17 and 18 rings; before joins carried the
     * count, 24 of the 600 and 14 of 200 at 5 %, up to 21.
     */
    static final int LOSS_ALLOWANCE = 4;

    private final int maxRings;
    private final int maxRingsAtTheLink;
    private final TreeSet<Integer> untouched = new TreeSet<>();
    private final TreeSet<Integer> atTheLink = new TreeSet<>();
    private boolean faulty;
    private final Map<Integer, Integer> rings = new TreeMap<>();
    private String link = "";

    /** @param lossy whether the network loses frames besides the fault */
    OneWayWatch(int[] ids, boolean lossy) {
        this.maxRings = MAX_RINGS + (lossy ? LOSS_ALLOWANCE : 0);
        this.maxRingsAtTheLink = MAX_RINGS_AT_THE_LINK + (lossy ? LOSS_ALLOWANCE : 0);
        for (int id : ids) {
            untouched.add(id);
        }
    }

    @Override
    public void onBlock(long timeNanos, int fromNodeId, int toNodeId) {
        faulty = true;
        untouched.remove(fromNodeId);
        untouched.remove(toNodeId);
        atTheLink.add(fromNodeId);
        atTheLink.add(toNodeId);
        link = fromNodeId + " -> " + toNodeId;
    }

    @Override
    public void onHeal(long timeNanos) {
        faulty = false;
    }

    @Override
    public void onConfigurationChange(long timeNanos, int nodeId, Effect.ConfigurationChange change) {
        if (faulty && change.kind() == Effect.ConfigurationKind.REGULAR) {
            rings.merge(nodeId, 1, Integer::sum);
        }
    }

    /** @return the violation, if an untouched node installed more rings than allowed while the link was down */
    List<Violation> check() {
        for (Map.Entry<Integer, Integer> e : rings.entrySet()) {
            int max = atTheLink.contains(e.getKey()) ? maxRingsAtTheLink : maxRings;
            if (e.getValue() > max) {
                return List.of(new Violation("oneway-stability", "node " + e.getKey() + " installed " + e.getValue()
                        + " rings while link " + link + " was down in one direction (at most " + max + " allowed"
                        + (atTheLink.contains(e.getKey()) ? " at an end of the link" : "") + "): the ring kept re-forming"));
            }
        }
        return List.of();
    }
}
