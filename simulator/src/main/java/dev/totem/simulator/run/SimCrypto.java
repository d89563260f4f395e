package dev.totem.simulator.run;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.CryptoConfigException;
import dev.totem.crypto.FrameKey;
import dev.totem.crypto.KeyFile;
import dev.totem.crypto.Opener;
import dev.totem.crypto.SealedEngine;
import dev.totem.crypto.Sealer;
import dev.totem.rrp.RedundantRing;
import dev.totem.simulator.EngineFactory;
import java.util.SplittableRandom;

/**
 * The crypto layer of a sealed run ({@link Scenario#sealed}): AES-256-GCM under one fixed key,
 * each node's {@link SealedEngine} between its engine (or redundant ring) and the network, as a
 * node stacks them. The sealer draws its salt from the node's random stream, so a seed still
 * decides everything.
 */
final class SimCrypto {
    private static final CryptoCipher CIPHER = CryptoCipher.AES256_GCM;

    private SimCrypto() {}

    private static FrameKey key() {
        byte[] bytes = new byte[256];
        new SplittableRandom(7).nextBytes(bytes);
        try {
            return KeyFile.of(bytes).derive("sim");
        } catch (CryptoConfigException e) {
            throw new IllegalStateException("the simulator's fixed key does not derive", e);
        }
    }

    /** Bytes a sealed frame carries more than the clear one: the processor packs that much less. */
    static int overheadBytes() {
        return Sealer.create(CIPHER, key(), 1, new SplittableRandom(0)).overheadBytes();
    }

    /** {@code below}'s engines under a crypto layer. */
    static EngineFactory sealed(EngineFactory below) {
        FrameKey key = key();
        return (nodeId, store, random) -> {
            Sealer sealer = Sealer.create(CIPHER, key, nodeId, random);
            return new SealedEngine(below.create(nodeId, store, random), sealer, Opener.create(CIPHER, key),
                    RedundantRing::claimedSender);
        };
    }
}
