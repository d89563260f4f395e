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
    @Test
    void theSealedRingKeepsEveryPropertyUnderChaos() throws Exception {
        byte[] bytes = new byte[256];
        new SplittableRandom(7).nextBytes(bytes);
        FrameKey key = KeyFile.of(bytes).derive("sim");
        Scenario scenario = new Scenario(5, 500, 0, 0.3, 64, 64, FaultProfile.CHAOS, EngineKind.TOTEM, 0);
        TotemConfig config = SeedRunner.totemConfig(scenario);
        EngineFactory sealed = (id, store, random) -> {
            Sealer sealer = Sealer.create(CryptoCipher.AES256_GCM, key, id, random);
            TotemProcessor p = new TotemProcessor(config.withFrameOverhead(sealer.overheadBytes()), id, store, random);
            return new SealedEngine(p, sealer, Opener.create(CryptoCipher.AES256_GCM, key));
        };
        for (long seed = 1; seed <= 20; seed++) {
            SeedRunner.Result r = SeedRunner.run(scenario, seed, TraceWriter.nowhere(), sealed);
            assertThat(r.violations()).as("seed %d", seed).isEmpty();
            assertThat(r.delivered()).as("seed %d delivered", seed).isPositive();
        }
    }
}
