package dev.totem.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The validated pair of corosync settings {@code crypto_cipher} and {@code crypto_hash}, with
 * notes that explain to the operator what the pair means here.
 *
 * <p>Mapping from corosync's spelling:
 * <ul>
 *   <li>{@code crypto_cipher}: {@code aes256} (default) → {@link CryptoCipher#AES256_GCM},
 *       {@code chacha20} → {@link CryptoCipher#CHACHA20_POLY1305}, {@code none} →
 *       {@link CryptoCipher#NONE}; {@code aes128}, {@code aes192}, {@code 3des} and anything else
 *       are rejected.
 *   <li>{@code crypto_hash}: {@code none} (default), {@code sha256}, {@code sha384},
 *       {@code sha512} are accepted, but compute nothing: the AEAD tag authenticates each frame in
 *       place of corosync's separate HMAC. {@code md5} and {@code sha1} are rejected as weak.
 *   <li>A hash without a cipher (authentication in the clear) is rejected: there is no such mode
 *       here, and silently sending unauthenticated frames would betray the operator's intent.
 * </ul>
 *
 * @param cipher how frames are protected
 * @param hash what {@code crypto_hash} said; informational only
 * @param notes sentences for the log that explain the choice, may be empty
 */
public record CryptoSettings(CryptoCipher cipher, CryptoHash hash, List<String> notes) {

    /**
     * Checks the components; {@link #from} is the way to build settings from a configuration.
     *
     * @param cipher how frames are protected
     * @param hash what {@code crypto_hash} said
     * @param notes sentences for the log (copied)
     * @throws NullPointerException if an argument is null
     */
    public CryptoSettings {
        if (cipher == null || hash == null || notes == null) {
            throw new NullPointerException("cipher, hash and notes are required");
        }
        notes = List.copyOf(notes);
    }

    /** @return the defaults: AES-256-GCM, no hash, as {@code from(null, null)} */
    public static CryptoSettings defaults() {
        return new CryptoSettings(CryptoCipher.AES256_GCM, CryptoHash.NONE, List.of());
    }

    /**
     * Validates the two settings as written in the configuration.
     *
     * @param cipher the value of {@code crypto_cipher}; null or blank means the default
     *     {@code aes256}; case and surrounding blanks are ignored
     * @param hash the value of {@code crypto_hash}; null or blank means {@code none}, and then no
     *     note is made of it (a note on a key the file does not hold only puzzles its reader)
     * @return the settings with notes for the log
     * @throws CryptoConfigException with a message naming the setting, the value and the
     *     accepted values
     */
    public static CryptoSettings from(String cipher, String hash) throws CryptoConfigException {
        CryptoCipher c = parseCipher(normalize(cipher, "aes256"));
        CryptoHash h = parseHash(normalize(hash, "none"));
        List<String> notes = new ArrayList<>();
        if (c == CryptoCipher.NONE) {
            if (h != CryptoHash.NONE) {
                throw new CryptoConfigException("crypto_hash " + h.configName() + " with crypto_cipher none asks for"
                        + " authentication without encryption, which totem does not offer: set crypto_cipher aes256"
                        + " to encrypt and authenticate every frame, or crypto_hash none to run in the clear");
            }
            notes.add("crypto_cipher none: frames are sent in the clear and are not authenticated;"
                    + " anyone on the network can read them and inject frames");
        } else if (h == CryptoHash.NONE) {
            if (hash != null && !hash.isBlank()) {
                notes.add("crypto_hash none with crypto_cipher " + c.configName() + " is fine: the AEAD tag"
                        + " authenticates every frame (corosync would require a hash)");
            }
        } else {
            notes.add("crypto_hash " + h.configName() + ": accepted for corosync compatibility, but no HMAC is"
                    + " computed; the 16-byte AEAD tag of crypto_cipher " + c.configName()
                    + " authenticates every frame instead");
        }
        return new CryptoSettings(c, h, notes);
    }

    private static String normalize(String value, String absent) {
        return value == null || value.isBlank() ? absent : value.strip().toLowerCase(Locale.ROOT);
    }

    private static CryptoCipher parseCipher(String value) throws CryptoConfigException {
        switch (value) {
            case "aes256":
                return CryptoCipher.AES256_GCM;
            case "chacha20":
                return CryptoCipher.CHACHA20_POLY1305;
            case "none":
                return CryptoCipher.NONE;
            case "aes128":
            case "aes192":
                throw new CryptoConfigException("crypto_cipher " + value + " is not supported: use aes256"
                        + " (AES-256-GCM; the key is derived to 256 bits from the key file anyway) or chacha20");
            case "3des":
                throw new CryptoConfigException("crypto_cipher 3des is rejected as weak (64-bit blocks):"
                        + " use aes256 (AES-256-GCM) or chacha20 (ChaCha20-Poly1305)");
            default:
                throw new CryptoConfigException("crypto_cipher '" + value + "' is unknown: use aes256"
                        + " (default, AES-256-GCM), chacha20 (ChaCha20-Poly1305) or none");
        }
    }

    private static CryptoHash parseHash(String value) throws CryptoConfigException {
        switch (value) {
            case "none":
                return CryptoHash.NONE;
            case "sha256":
                return CryptoHash.SHA256;
            case "sha384":
                return CryptoHash.SHA384;
            case "sha512":
                return CryptoHash.SHA512;
            case "md5":
            case "sha1":
                throw new CryptoConfigException("crypto_hash " + value + " is rejected as weak (collisions are"
                        + " practical): use sha256, or none; with an AEAD cipher the tag authenticates every frame"
                        + " and the hash is not used");
            default:
                throw new CryptoConfigException("crypto_hash '" + value + "' is unknown: use none, sha256,"
                        + " sha384 or sha512 (with an AEAD cipher none of them is computed: the tag authenticates)");
        }
    }
}
