package dev.totem.crypto;

import java.util.SplittableRandom;

/** Keys and sealers for tests, all from seeds. */
final class TestKeys {
    static final String CLUSTER = "test-cluster";

    private TestKeys() {}

    /** The key file bytes of a seed: 256 bytes, as ./totem keygen writes by default. */
    static byte[] keyBytes(long seed) {
        byte[] bytes = new byte[KeyFile.DEFAULT_BYTES];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** The frame key of a seed, for cluster {@link #CLUSTER}. */
    static FrameKey frameKey(long seed) {
        try {
            return KeyFile.of(keyBytes(seed)).derive(CLUSTER);
        } catch (CryptoConfigException e) {
            throw new AssertionError(e);
        }
    }

    /** A sealer whose boot salt comes from {@code saltSeed}: tests choose when two boots differ. */
    static FrameSealer sealer(CryptoCipher cipher, FrameKey key, int sender, long saltSeed) {
        return new FrameSealer(cipher, key, sender, new SplittableRandom(saltSeed));
    }

    static byte[] frame(SplittableRandom random, int length) {
        byte[] frame = new byte[length];
        random.nextBytes(frame);
        return frame;
    }
}
