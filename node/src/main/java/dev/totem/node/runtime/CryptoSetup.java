package dev.totem.node.runtime;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.FrameKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a node seals its frames: the cipher, the frame key derived from the key file and the
 * cluster name, and what a key reload needs.
 *
 * @param cipher an AEAD cipher (not NONE: no crypto is an empty {@code RuntimeSettings.crypto})
 * @param key the cluster's frame key
 * @param keyFile where the key was read, read again by a reload; empty when the key came from elsewhere
 * @param clusterName the derivation context of the key
 * @param rotationGrace after a reload, how long frames are still sealed with the old key (so every
 *     node can load the new one first), and then how long the old key still opens frames
 */
public record CryptoSetup(CryptoCipher cipher, FrameKey key, Optional<Path> keyFile, String clusterName,
        Duration rotationGrace) {
    /** The default grace: time to run {@code ./totem crypto reload} on every node. */
    public static final Duration DEFAULT_ROTATION_GRACE = Duration.ofSeconds(30);

    public CryptoSetup {
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(rotationGrace, "rotationGrace");
        if (cipher == CryptoCipher.NONE) {
            throw new IllegalArgumentException("CryptoSetup needs a cipher; leave crypto empty to send in the clear");
        }
        if (rotationGrace.isNegative()) {
            throw new IllegalArgumentException("rotationGrace must not be negative: " + rotationGrace);
        }
    }

    /** A key that cannot be reloaded (tests, embedded use). */
    public CryptoSetup(CryptoCipher cipher, FrameKey key) {
        this(cipher, key, Optional.empty(), "", DEFAULT_ROTATION_GRACE);
    }
}
