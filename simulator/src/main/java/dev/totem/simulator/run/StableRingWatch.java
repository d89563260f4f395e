package dev.totem.simulator.run;

import dev.totem.protocol.api.Effect;
import dev.totem.simulator.SimulationListener;
import dev.totem.simulator.check.Violation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ring-stability: in a run without faults and with little loss ({@link #MAX_LOSS} or less), a
 * node that installed a regular configuration of every node never re-forms its ring
 * ({@link #MAX_REFORMATIONS}). Light loss is the retransmission list's and the token
 * retransmission's to repair; a ring that keeps re-forming over it keeps every EVS property and
 * shows only in the configuration count, as sealed rings did when members' retransmissions were
 * dropped (97 configurations on one seed at 2% loss).
 *
 * <p>Until the token resend on one network (session 27) one re-formation was allowed: an idle
 * ring's representative holds the token for {@code hold} (932 ms for 5 nodes), and each lost token
 * copy cost {@code token_retransmit} (1178 ms) until its sender resent it, all within the {@code
 * token} timeout (4950 ms) that the nodes after it started when they last saw the token, so four
 * copies lost in one rotation cost the ring, as in corosync: 5 seeds in 3000 at 2% loss (297, 597,
 * 1121, ...). The redundant ring's resend after 50 ms, in mode none too, leaves the budget to
 * dozens of losses: `./totem sim --faults none --loss 0.02 --seeds 1..3000` and `--loss 0.04
 * --seeds 1..1000` re-form on no seed.
 */
final class StableRingWatch implements SimulationListener {
    /** The loss up to which a ring must hold. */
    static final double MAX_LOSS = 0.02;
    /** Re-formations allowed per node after its first ring of every node. */
    static final int MAX_REFORMATIONS = 0;

    private final int nodes;
    /** Per node, the regular configurations it installed after its first ring of every node; absent before. */
    private final Map<Integer, Integer> reformations = new HashMap<>();
    /** Per node, when it installed its ring beyond the allowed ones. */
    private final Map<Integer, Long> excessMicros = new HashMap<>();

    StableRingWatch(int nodes) {
        this.nodes = nodes;
    }

    /** Whether a run of {@code scenario} is one this property judges. */
    static boolean applies(Scenario scenario) {
        return scenario.faults() == FaultProfile.NONE && scenario.engine() == EngineKind.TOTEM
                && scenario.lossProbability() <= MAX_LOSS;
    }

    @Override
    public void onConfigurationChange(long timeNanos, int nodeId, Effect.ConfigurationChange change) {
        if (change.kind() != Effect.ConfigurationKind.REGULAR) {
            return;
        }
        Integer after = reformations.get(nodeId);
        if (after != null) {
            reformations.put(nodeId, after + 1);
            if (after + 1 > MAX_REFORMATIONS) {
                excessMicros.putIfAbsent(nodeId, timeNanos / 1_000);
            }
        } else if (change.members().length == nodes) {
            reformations.put(nodeId, 0);
        }
    }

    /** @return the violation, if some node's ring re-formed more often than allowed */
    List<Violation> check() {
        if (excessMicros.isEmpty()) {
            return List.of();
        }
        int node = 0;
        long micros = Long.MAX_VALUE;
        for (Map.Entry<Integer, Long> e : excessMicros.entrySet()) {
            if (e.getValue() < micros) {
                micros = e.getValue();
                node = e.getKey();
            }
        }
        return List.of(new Violation("ring-stability", "node " + node + " re-formed its ring " + reformations.get(node)
                + " times after a ring of all " + nodes + " nodes (at most " + MAX_REFORMATIONS + " allowed), with no"
                + " fault and loss of at most " + MAX_LOSS + "; first re-formation over the bound at " + micros + " us"));
    }
}
