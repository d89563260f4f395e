package dev.totem.simulator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.FrameKey;
import dev.totem.crypto.KeyFile;
import dev.totem.crypto.Opener;
import dev.totem.crypto.Rejection;
import dev.totem.crypto.SealedEngine;
import dev.totem.crypto.Sealer;
import dev.totem.membership.TotemProcessor;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.Payloads;
import dev.totem.simulator.SimConfig;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.SimulationListener;
import dev.totem.simulator.check.EvsChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A node holding the wrong key cannot join, and does not disturb a running ring: the others
 * keep their one configuration and deliver everything, while every frame of the intruder is
 * rejected before it reaches their engines.
 */
class WrongKeyTest {
    private static FrameKey key(long seed) throws Exception {
        byte[] bytes = new byte[256];
        new SplittableRandom(seed).nextBytes(bytes);
        return KeyFile.of(bytes).derive("sim");
    }

    @Test
    void aNodeWithTheWrongKeyNeitherJoinsNorDisturbsTheRing() throws Exception {
        FrameKey good = key(1);
        FrameKey wrong = key(2);
        TotemConfig config = TotemConfig.forNodeCount(4);
        Simulation sim = new Simulation(SimConfig.defaults(), 42, (id, store, random) -> {
            FrameKey k = id == 5 ? wrong : good;
            Sealer sealer = Sealer.create(CryptoCipher.AES256_GCM, k, id, random);
            TotemProcessor p = new TotemProcessor(config.withFrameOverhead(sealer.overheadBytes()), id, store, random);
            return new SealedEngine(p, sealer, Opener.create(CryptoCipher.AES256_GCM, k));
        });
        HistoryRecorder recorder = new HistoryRecorder();
        sim.addListener(recorder);
        List<String> configsOfMembers = new ArrayList<>();
        sim.addListener(new SimulationListener() {
            @Override
            public void onConfigurationChange(long t, int node, Effect.ConfigurationChange c) {
                if (node != 5) {
                    configsOfMembers.add(node + ":" + c.kind() + ":" + c.ring());
                }
            }
        });
        sim.addNodes(1, 2, 3, 4);
        long tokenNanos = config.tokenTimeoutNanos();
        sim.addNode(5, 5 * tokenNanos);
        for (int i = 0; i < 400; i++) {
            sim.submit(i * 100_000_000L, 1 + i % 4, Payloads.build("m" + i, 200), i % 3 == 0 ? Guarantee.SAFE : Guarantee.AGREED);
            sim.submit(6 * tokenNanos + i * 10_000_000L, 5, Payloads.build("x" + i, 200), Guarantee.AGREED);
        }
        sim.runUntil(20 * tokenNanos);

        assertThat(configsOfMembers).as("each member installs one regular configuration and no other").hasSize(4);
        SealedEngine intruder = (SealedEngine) sim.engine(5);
        SealedEngine member = (SealedEngine) sim.engine(1);
        assertThat(member.rejected().get(Rejection.UNKNOWN_KEY) + member.rejected().get(Rejection.BAD_TAG))
                .as("frames of the intruder rejected by a member").isPositive();
        assertThat(intruder.rejected().get(Rejection.UNKNOWN_KEY) + intruder.rejected().get(Rejection.BAD_TAG))
                .as("frames of the ring rejected by the intruder").isPositive();
        recorder.history().quietFrom(0);
        assertThat(EvsChecker.check(recorder.history())).filteredOn(v -> !v.property().equals("liveness")).isEmpty();
        for (int node = 1; node <= 4; node++) {
            long delivered = recorder.history().events(node).stream().filter(e -> e.kind() == dev.totem.simulator.check.History.Kind.DELIVER).count();
            assertThat(delivered).as("node %d delivered every member's message", node).isEqualTo(400);
        }
    }
}
