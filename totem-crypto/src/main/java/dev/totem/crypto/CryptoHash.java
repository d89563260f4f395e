package dev.totem.crypto;

/**
 * The accepted values of corosync's {@code crypto_hash}.
 *
 * <p>In corosync the hash names the HMAC that authenticates each packet after encryption. Here the
 * AEAD tag authenticates every frame, so the hash computes nothing: it is accepted so corosync
 * configurations keep working, and it tells whether the operator asked for authentication.
 * {@code md5} and {@code sha1} are rejected by {@link CryptoSettings#from} as weak.
 */
public enum CryptoHash {
    /** No hash configured. */
    NONE("none"),
    /** corosync's HMAC-SHA-256. */
    SHA256("sha256"),
    /** corosync's HMAC-SHA-384. */
    SHA384("sha384"),
    /** corosync's HMAC-SHA-512. */
    SHA512("sha512");

    private final String configName;

    CryptoHash(String configName) {
        this.configName = configName;
    }

    /** @return the value of {@code crypto_hash} that selects this hash */
    public String configName() {
        return configName;
    }
}
