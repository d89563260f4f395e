package dev.totem.node.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The crypto settings as written, checked for spelling only: the totem-crypto module decides what
 * they mean. Every frame is sealed unless the file turns it off: the default is aes256 + sha256
 * (as corosync's {@code secauth: on}), and {@code secauth: off} with no cipher given means none +
 * none; {@code crypto_cipher} / {@code crypto_hash} override either.
 *
 * @param cipher effective {@code crypto_cipher}: {@code none}, {@code aes256} or {@code chacha20}
 * @param hash effective {@code crypto_hash}: {@code none}, {@code sha256}, {@code sha384} or
 *     {@code sha512}
 * @param hashWritten whether the file sets {@code crypto_hash} (the log notes what it means then)
 * @param keyfile {@code keyfile} as written (corosync's default is /etc/corosync/authkey)
 * @param secauth {@code secauth} as written: on (true), off (false) or absent
 */
public record CryptoConfig(String cipher, String hash, boolean hashWritten, Optional<String> keyfile, Optional<Boolean> secauth) {

    /** No encryption and no authentication. */
    public static final CryptoConfig NONE = new CryptoConfig("none", "none", false, Optional.empty(), Optional.empty());

    /** Checks that every field is set. */
    public CryptoConfig {
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(keyfile, "keyfile");
        Objects.requireNonNull(secauth, "secauth");
    }

    /** @return true when frames are to be encrypted or authenticated */
    public boolean enabled() {
        return !"none".equals(cipher) || !"none".equals(hash);
    }
}
