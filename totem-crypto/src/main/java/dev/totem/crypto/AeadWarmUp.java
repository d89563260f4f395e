package dev.totem.crypto;

import javax.crypto.spec.SecretKeySpec;

/**
 * Runs the AEAD path on small throwaway frames so the JIT compiles it, with the JDK's AES and
 * GHASH intrinsics, before the first real frames arrive.
 *
 * <p>Why: HotSpot uses the GHASH intrinsic only once the callers of {@code GHASH.processBlocks}
 * are compiled by C2, which takes thousands of calls. A node sealing 60 KB frames makes a few
 * thousand calls a second, so for its first seconds (far longer on a loaded machine, where the
 * compiler threads wait for a CPU) every frame was authenticated by interpreted Java at about
 * 60 MB/s instead of 3 GB/s: a standalone test reached full speed after 2.5 s without this,
 * at once after 5,000 small operations (140 ms).
 */
public final class AeadWarmUp {
    /** Seal-and-open rounds that get the path compiled. */
    public static final int DEFAULT_ROUNDS = 10_000;
    /**
     * Above the 512 bytes from which JDK 18 and newer seal AES-GCM with one fused AES/GHASH
     * intrinsic: smaller frames would leave that path interpreted until real traffic compiles it.
     */
    private static final int PAYLOAD_BYTES = 1024;

    private AeadWarmUp() {}

    /**
     * Seals and opens {@code rounds} frames of {@value #PAYLOAD_BYTES} bytes under a throwaway
     * all-zero key that never seals a real frame. A few hundred milliseconds of one CPU.
     *
     * @throws IllegalStateException if a frame does not open (a broken runtime)
     */
    public static void run(CryptoCipher cipher, int rounds) {
        if (cipher == CryptoCipher.NONE) {
            return;
        }
        JcaAead aead = new JcaAead(cipher);
        SecretKeySpec key = new SecretKeySpec(new byte[32], cipher.jcaKeyAlgorithm());
        byte[] payload = new byte[PAYLOAD_BYTES];
        byte[] sealed = new byte[SealedFrame.HEADER_BYTES + PAYLOAD_BYTES + SealedFrame.TAG_BYTES];
        byte[] opened = new byte[PAYLOAD_BYTES];
        for (int i = 0; i < rounds; i++) {
            aead.seal(key, 0, i, payload, 0, PAYLOAD_BYTES, sealed, 0);
            if (!aead.open(key, 0, i, sealed, 0, sealed.length, opened)) {
                throw new IllegalStateException("a warm-up frame sealed with " + cipher + " did not open");
            }
        }
    }
}
