package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.FrameKey;
import dev.totem.crypto.KeyFile;
import dev.totem.crypto.Opener;
import dev.totem.crypto.SealedEngine;
import dev.totem.crypto.Sealer;
import dev.totem.membership.TotemProcessor;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.EngineFactory;
import dev.totem.simulator.trace.TraceWriter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The processor under the crypto layer, as the node runs it: every frame sealed, and every opened
 * frame handed down as an owned array that the processor keeps instead of copying
 * ({@code onOwnedFrame}). Chaos faults (loss, duplicates, partitions, restarts) make frames be
 * kept, retransmitted and recovered; the properties must hold as with copied frames.
 */
class SealedRingSimTest {
    private static EngineFactory sealed(Scenario scenario) throws Exception {
        byte[] bytes = new byte[256];
        new SplittableRandom(7).nextBytes(bytes);
        FrameKey key = KeyFile.of(bytes).derive("sim");
        TotemConfig config = SeedRunner.totemConfig(scenario);
        return (id, store, random) -> {
            Sealer sealer = Sealer.create(CryptoCipher.AES256_GCM, key, id, random);
            TotemProcessor p = new TotemProcessor(config.withFrameOverhead(sealer.overheadBytes()), id, store, random);
            return new SealedEngine(p, sealer, Opener.create(CryptoCipher.AES256_GCM, key));
        };
    }

    /**
     * 2% loss and no other fault: every lost frame is resent by whichever member holds it first
     * on the token's way, and must open at the member that asked. Resent under its originator's
     * name it was dropped there ("a member may not speak for another"), the request came back each
     * rotation and the ring re-formed on failed-to-receive: every property held, only the
     * configurations showed it.
     */
    @Test
    void lossIsRepairedByWhicheverMemberResendsWithoutAConfigurationChange() throws Exception {
        Scenario scenario = new Scenario(5, 500, 0.02, 0.3, 64, 64, FaultProfile.NONE, EngineKind.TOTEM, 0);
        EngineFactory sealed = sealed(scenario);
        for (long seed = 1; seed <= 10; seed++) {
            SeedRunner.Result r = SeedRunner.run(scenario, seed, TraceWriter.nowhere(), sealed);
            assertThat(r.violations()).as("seed %d", seed).isEmpty();
            assertThat(r.configs()).as("seed %d: one configuration per node", seed).isEqualTo(5);
        }
    }

    @Test
    void theSealedRingKeepsEveryPropertyUnderChaos() throws Exception {
        Scenario scenario = new Scenario(5, 500, 0, 0.3, 64, 64, FaultProfile.CHAOS, EngineKind.TOTEM, 0);
        EngineFactory sealed = sealed(scenario);
        for (long seed = 1; seed <= 20; seed++) {
            SeedRunner.Result r = SeedRunner.run(scenario, seed, TraceWriter.nowhere(), sealed);
            assertThat(r.violations()).as("seed %d", seed).isEmpty();
            assertThat(r.delivered()).as("seed %d delivered", seed).isPositive();
        }
    }
}
