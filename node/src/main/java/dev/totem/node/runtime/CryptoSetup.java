package dev.totem.node.runtime;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.FrameKey;
import java.util.Objects;

/**
 * How a node seals its frames: the cipher and the frame key derived from the key file and the
 * cluster name.
 *
 * @param cipher an AEAD cipher (not NONE: no crypto is an empty {@code RuntimeSettings.crypto})
 * @param key the cluster's frame key
 */
public record CryptoSetup(CryptoCipher cipher, FrameKey key) {
    public CryptoSetup {
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(key, "key");
        if (cipher == CryptoCipher.NONE) {
            throw new IllegalArgumentException("CryptoSetup needs a cipher; leave crypto empty to send in the clear");
        }
    }
}
