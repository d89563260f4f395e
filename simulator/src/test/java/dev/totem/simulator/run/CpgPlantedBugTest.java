package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.CpgConfig;
import dev.totem.membership.TotemProcessor;
import dev.totem.membership.TotemProcessor.PlantedBug;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.trace.TraceWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-group checker fails groups built on a broken ring: processors that skip recovery. */
class CpgPlantedBugTest {
    @Test
    void groupsOverAProcessorThatSkipsRecoveryAreCaught() {
        Scenario scenario = new Scenario(5, 1500, 0, 0.3, 64, 64, FaultProfile.CHAOS, EngineKind.TOTEM, 0, Layer.CPG);
        TotemConfig config = SeedRunner.totemConfig(scenario).withMessageBytesMax(CpgConfig.defaults().engineMessageBytesMax());
        List<Violation> found = new ArrayList<>();
        for (long seed = 1; seed <= 10 && found.isEmpty(); seed++) {
            SeedRunner.Result r = SeedRunner.run(scenario, seed, TraceWriter.nowhere(),
                    (id, store, random) -> new TotemProcessor(config, id, store, random, PlantedBug.SKIP_RECOVERY));
            found.addAll(r.violations());
        }
        assertThat(found).as("violations of groups over a processor that skips recovery").isNotEmpty();
        assertThat(found).extracting(Violation::property).anyMatch(p -> p.startsWith("cpg-"));
    }
}
