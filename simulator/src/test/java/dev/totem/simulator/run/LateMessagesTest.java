package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.simulator.check.EvsChecker;
import dev.totem.simulator.check.History;
import dev.totem.simulator.check.TraceReader;
import dev.totem.simulator.trace.TraceEvent;
import dev.totem.simulator.trace.TraceLines;
import dev.totem.simulator.trace.TraceWriter;
import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Liveness after the faults stop is checked on messages sent then: the run must send them and
 * wait for them. It once named them by reading the history before the simulation had run their
 * submits, found none, and ended at once: the check passed on nothing.
 */
class LateMessagesTest {
    @Test
    void afterTheFaultsEveryLiveNodeSubmitsALateMessageAndEveryLiveNodeDeliversAllOfThem() throws IOException {
        Scenario scenario = new Scenario(5, 500, 0, 0.3, 64, 64, FaultProfile.CHAOS, EngineKind.TOTEM, 0);
        for (long seed = 1; seed <= 3; seed++) {
            String text = lines(scenario, seed);
            List<TraceEvent> events = TraceLines.read(new StringReader(text));
            long quiet = quietPoint(events);
            Set<Integer> live = liveAtEnd(events);
            Set<String> late = new HashSet<>();
            Map<Integer, Set<String>> delivered = new HashMap<>();
            for (TraceEvent e : events) {
                if (e.ev().equals("submit") && e.t() >= quiet) {
                    late.add(e.requiredText("id"));
                } else if (e.ev().equals("deliver")) {
                    delivered.computeIfAbsent(e.node(), n -> new HashSet<>()).add(e.requiredText("id"));
                }
            }
            assertThat(late).as("seed %d: late messages, one per live node %s", seed, live).hasSize(live.size());
            for (int node : live) {
                assertThat(delivered.getOrDefault(node, Set.of())).as("seed %d: node %d delivered", seed, node)
                        .containsAll(late);
            }
            // The trace read back holds the quiet point: its checker checks liveness as the run did.
            History history = TraceReader.read(new StringReader(text)).history();
            assertThat(history.quietFromMicros()).isEqualTo(quiet);
            assertThat(EvsChecker.check(history)).as("seed %d read back", seed).isEmpty();
        }
    }

    @Test
    void theCpgLayerWaitsForItsLateMulticastsToo() throws IOException {
        Scenario scenario = new Scenario(5, 300, 0, 0.3, 1, 2000, FaultProfile.CHAOS, EngineKind.TOTEM, 0, Layer.CPG);
        List<TraceEvent> events = TraceLines.read(new StringReader(lines(scenario, 2)));
        long quiet = quietPoint(events);
        Set<String> late = new HashSet<>();
        Set<String> deliveredLate = new HashSet<>();
        for (TraceEvent e : events) {
            if (e.ev().equals("cpg_mcast") && e.t() >= quiet) {
                late.add(e.requiredText("id"));
            } else if (e.ev().equals("cpg_deliver") && e.t() >= quiet) {
                deliveredLate.add(e.requiredText("id"));
            }
        }
        assertThat(late).as("late multicasts").isNotEmpty();
        assertThat(deliveredLate).as("late multicasts delivered somewhere").containsAll(late);
    }

    private static String lines(Scenario scenario, long seed) {
        StringBuilder lines = new StringBuilder();
        SeedRunner.Result r = SeedRunner.run(scenario, seed, new TraceWriter(lines::append));
        assertThat(r.violations()).as("seed %d", seed).isEmpty();
        return lines.toString();
    }

    /**
     * When the run saw the cluster converged after its faults: the trace's one {@code quiet}
     * event, after the last heal, which a checker reading the trace back starts liveness from.
     */
    private static long quietPoint(List<TraceEvent> events) {
        long heal = -1;
        List<Long> quiet = new java.util.ArrayList<>();
        for (TraceEvent e : events) {
            if (e.ev().equals("heal")) {
                heal = e.t();
            } else if (e.ev().equals("quiet")) {
                quiet.add(e.t());
            }
        }
        assertThat(heal).as("a heal in the trace").isNotNegative();
        assertThat(quiet).as("quiet events").hasSize(1);
        assertThat(quiet.get(0)).as("the quiet point").isGreaterThanOrEqualTo(heal);
        return quiet.get(0);
    }

    private static Set<Integer> liveAtEnd(List<TraceEvent> events) {
        Set<Integer> live = new HashSet<>();
        for (TraceEvent e : events) {
            switch (e.ev()) {
                case "start", "restart" -> live.add(e.node());
                case "crash" -> live.remove(e.node());
                default -> { }
            }
        }
        return live;
    }
}
