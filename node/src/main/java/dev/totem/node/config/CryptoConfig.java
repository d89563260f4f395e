package dev.totem.node.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The crypto settings as written, checked for spelling only: the totem-crypto module decides what
 * they mean. Effective values follow corosync 3.1: {@code secauth: on} means aes256 + sha256
 * unless {@code crypto_cipher} / {@code crypto_hash} say otherwise; the default is none + none.
 *
 * @param cipher effective {@code crypto_cipher}: {@code none}, {@code aes256} or {@code chacha20}
 * @param hash effective {@code crypto_hash}: {@code none}, {@code sha256}, {@code sha384} or
 *     {@code sha512}
 * @param keyfile {@code keyfile} as written (corosync's default is /etc/corosync/authkey)
 * @param secauth {@code secauth} as written: on (true), off (false) or absent
 */
public record CryptoConfig(String cipher, String hash, Optional<String> keyfile, Optional<Boolean> secauth) {

    /** No encryption and no authentication. */
    public static final CryptoConfig NONE = new CryptoConfig("none", "none", Optional.empty(), Optional.empty());

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
