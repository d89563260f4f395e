package dev.totem.crypto;

import java.util.Optional;

/**
 * How frames are protected on the wire.
 *
 * <p>Both AEAD ciphers use a 256-bit key, a 96-bit nonce and a 128-bit tag, so a sealed frame has
 * the same layout and overhead with either (see {@link SealedFrame}); the format byte says which
 * cipher sealed it.
 */
public enum CryptoCipher {
    /** AES-256 in Galois/Counter Mode, the default: hardware-accelerated (AES-NI, CLMUL) on x86. */
    AES256_GCM("aes256", "AES/GCM/NoPadding", "AES", (byte) 0xA1),
    /** ChaCha20-Poly1305 (RFC 8439): constant-time in software, for CPUs without AES instructions. */
    CHACHA20_POLY1305("chacha20", "ChaCha20-Poly1305", "ChaCha20", (byte) 0xC1),
    /** No protection: frames go out in the clear, readable and forgeable by anyone on the network. */
    NONE("none", null, null, (byte) 0);

    private final String configName;
    private final String jcaTransformation;
    private final String jcaKeyAlgorithm;
    private final byte formatByte;

    CryptoCipher(String configName, String jcaTransformation, String jcaKeyAlgorithm, byte formatByte) {
        this.configName = configName;
        this.jcaTransformation = jcaTransformation;
        this.jcaKeyAlgorithm = jcaKeyAlgorithm;
        this.formatByte = formatByte;
    }

    /** @return the value of {@code crypto_cipher} that selects this cipher */
    public String configName() {
        return configName;
    }

    /** @return the JCA transformation for {@code Cipher.getInstance}, or null for {@link #NONE} */
    public String jcaTransformation() {
        return jcaTransformation;
    }

    /** @return the JCA key algorithm for {@code SecretKeySpec}, or null for {@link #NONE} */
    String jcaKeyAlgorithm() {
        return jcaKeyAlgorithm;
    }

    /**
     * @return the first byte of a frame sealed with this cipher; 0 for {@link #NONE}, whose frames
     *     carry no header
     */
    public byte formatByte() {
        return formatByte;
    }

    /**
     * What an operator should know about running this cipher on Java {@code javaFeature} (the
     * runtime's {@code Runtime.version().feature()}): JDK 17 lacks the x86 intrinsics that later
     * releases use for both AEADs, and with crypto on the cipher is a large share of a node's CPU.
     *
     * @return one line for the node's log, or empty when this Java runs the cipher at full speed
     */
    public Optional<String> runtimeAdvice(int javaFeature) {
        // Fused AES/GHASH for VAES + AVX-512 came in JDK 18 (JDK-8267125), ChaCha20 and Poly1305
        // intrinsics in JDK 20; 21 is the first long-term release with all of them.
        int fastFrom = this == AES256_GCM ? 18 : this == CHACHA20_POLY1305 ? 20 : 0;
        if (javaFeature >= fastFrom) {
            return Optional.empty();
        }
        String measured = this == AES256_GCM ? "6.4 against 18.3 GB/s" : "0.46 against 4.2 GB/s";
        return Optional.of("crypto_cipher " + configName + " on Java " + javaFeature + " runs without the vector code of"
                + " Java " + fastFrom + " and newer: on a CPU with AVX-512 (and VAES for aes256) Java 21 or newer"
                + " seals and opens frames several times faster (" + measured + " measured on one host, totem-crypto/README.md);"
                + " ./totem runs the Java of JAVA_HOME");
    }

    /**
     * @return bytes a sealed frame adds to the Totem frame: {@link SealedFrame#OVERHEAD_BYTES} for
     *     an AEAD, 0 for {@link #NONE}; the node subtracts it from netmtu
     */
    public int overheadBytes() {
        return this == NONE ? 0 : SealedFrame.OVERHEAD_BYTES;
    }
}
