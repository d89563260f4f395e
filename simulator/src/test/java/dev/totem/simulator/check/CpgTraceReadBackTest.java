package dev.totem.simulator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.simulator.run.EngineKind;
import dev.totem.simulator.run.FaultProfile;
import dev.totem.simulator.run.Layer;
import dev.totem.simulator.run.Scenario;
import dev.totem.simulator.run.SeedRunner;
import dev.totem.simulator.trace.TraceFormatException;
import dev.totem.simulator.trace.TraceWriter;
import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CPG lines of a trace read back into the history {@link CpgChecker} judges, so a real
 * cluster's CPG trace (jepsen) is checked as a simulated one is: every line becomes an event, a
 * correct run reads as correct, and a history altered after the fact reads as broken.
 */
class CpgTraceReadBackTest {
    private static final Pattern CONFCHG_MEMBERS = Pattern.compile("(\"ev\":\"cpg_confchg\".*?\"members\":\\[)(\\[\\d+,\\d+\\])");

    private static String trace(long seed) {
        Scenario scenario = new Scenario(5, 300, 0, 0.3, 1, 2000, FaultProfile.CHAOS, EngineKind.TOTEM, 0, Layer.CPG);
        StringBuilder lines = new StringBuilder();
        SeedRunner.Result r = SeedRunner.run(scenario, seed, new TraceWriter(lines::append));
        assertThat(r.violations()).as("seed %d", seed).isEmpty();
        return lines.toString();
    }

    private static TraceReader.Result read(String text) throws IOException {
        return TraceReader.read(new StringReader(text));
    }

    @Test
    void aCpgRunReadBackHoldsEveryCpgLineAndChecksClean() throws IOException {
        for (long seed = 1; seed <= 3; seed++) {
            String text = trace(seed);
            TraceReader.Result r = read(text);
            long lines = Arrays.stream(text.split("\n"))
                    .filter(l -> l.contains("\"ev\":\"cpg_") || l.contains("\"ev\":\"crash\"")).count();
            assertThat(r.hasCpg()).isTrue();
            assertThat(r.cpg().events()).as("seed %d", seed).hasSize((int) lines);
            assertThat(r.cpg().quietFromMicros()).isEqualTo(r.history().quietFromMicros()).isNotEqualTo(Long.MAX_VALUE);
            assertThat(CpgChecker.check(r.cpg())).as("seed %d read back", seed).isEmpty();
        }
    }

    @Test
    void aConfchgAlteredInTheTraceIsFound() throws IOException {
        String text = trace(1);
        // Drop the first member of one confchg in the middle of the run: its view no longer agrees.
        List<String> lines = Arrays.asList(text.split("\n"));
        int at = -1;
        for (int i = lines.size() / 2; i < lines.size() && at < 0; i++) {
            if (CONFCHG_MEMBERS.matcher(lines.get(i)).find() && lines.get(i).contains("],[")) {
                at = i;
            }
        }
        assertThat(at).as("a confchg with two members or more").isNotNegative();
        Matcher m = CONFCHG_MEMBERS.matcher(lines.get(at));
        assertThat(m.find()).isTrue();
        String altered = m.replaceFirst("$1").replace("\"members\":[,", "\"members\":[");
        lines.set(at, altered);
        List<Violation> v = CpgChecker.check(read(String.join("\n", lines) + "\n").cpg());
        assertThat(v).extracting(Violation::property).contains("cpg-confchg");
    }

    @Test
    void aMalformedConfchgListIsATraceError() {
        String line = "{\"t\":1,\"node\":1,\"ev\":\"cpg_confchg\",\"pid\":1001,\"group\":\"g\",\"view\":\"r1:4@1\","
                + "\"members\":[[1,1001]],\"left\":[],\"joined\":[[1,1001,\"arrived\"]]}\n";
        assertThatThrownBy(() -> read(line)).isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("trace line 1:").hasMessageContaining("unknown confchg reason \"arrived\"");
        String pairs = line.replace("\"members\":[[1,1001]]", "\"members\":[[1]]");
        assertThatThrownBy(() -> read(pairs)).isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("\"members\" should hold [node, pid] pairs");
    }
}
