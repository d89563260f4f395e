package dev.totem.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CryptoSettingsTest {

    @ParameterizedTest
    @CsvSource({
        "aes256, none, AES256_GCM, NONE",
        "aes256, sha256, AES256_GCM, SHA256",
        "aes256, sha384, AES256_GCM, SHA384",
        "AES256 , SHA512, AES256_GCM, SHA512",
        "chacha20, sha256, CHACHA20_POLY1305, SHA256",
        "none, none, NONE, NONE",
    })
    void mapsCorosyncSpelling(String cipher, String hash, CryptoCipher expectedCipher, CryptoHash expectedHash)
            throws Exception {
        CryptoSettings settings = CryptoSettings.from(cipher, hash);

        assertThat(settings.cipher()).isEqualTo(expectedCipher);
        assertThat(settings.hash()).isEqualTo(expectedHash);
        assertThat(settings.notes()).hasSize(1);
    }

    @Test
    void absentSettingsMeanAes256GcmWithoutHash() throws Exception {
        CryptoSettings absent = CryptoSettings.from(null, " ");
        assertThat(absent.cipher()).isEqualTo(CryptoCipher.AES256_GCM);
        assertThat(absent.hash()).isEqualTo(CryptoHash.NONE);
        assertThat(absent.notes()).as("no note on a crypto_hash the file does not hold").isEmpty();
        assertThat(CryptoSettings.defaults().cipher()).isEqualTo(CryptoCipher.AES256_GCM);
    }

    @Test
    void hashWithAeadSaysTheTagReplacesTheHmac() throws Exception {
        assertThat(CryptoSettings.from("aes256", "sha256").notes())
                .singleElement().asString().contains("no HMAC is computed", "16-byte AEAD tag");
    }

    @Test
    void noHashWithAeadIsFine() throws Exception {
        assertThat(CryptoSettings.from("aes256", "none").notes())
                .singleElement().asString().contains("is fine", "authenticates every frame");
    }

    @Test
    void noCipherWarnsThatFramesAreClear() throws Exception {
        assertThat(CryptoSettings.from("none", "none").notes())
                .singleElement().asString().contains("in the clear", "not authenticated");
    }

    @ParameterizedTest
    @ValueSource(strings = {"md5", "sha1"})
    void weakHashesAreRejected(String hash) {
        assertThatThrownBy(() -> CryptoSettings.from("aes256", hash))
                .isInstanceOf(CryptoConfigException.class)
                .hasMessageStartingWith("crypto_hash " + hash + " is rejected as weak")
                .hasMessageContaining("use sha256");
    }

    @Test
    void hashWithoutCipherIsRejected() {
        assertThatThrownBy(() -> CryptoSettings.from("none", "sha256"))
                .isInstanceOf(CryptoConfigException.class)
                .hasMessageContaining("authentication without encryption")
                .hasMessageContaining("crypto_cipher aes256");
    }

    @Test
    void otherAesSizesAreNotSupported() {
        assertThatThrownBy(() -> CryptoSettings.from("aes128", "sha256"))
                .hasMessageStartingWith("crypto_cipher aes128 is not supported: use aes256");
    }

    @Test
    void tripleDesIsRejectedAsWeak() {
        assertThatThrownBy(() -> CryptoSettings.from("3des", "sha256")).hasMessageContaining("weak");
    }

    @Test
    void unknownValuesListTheAcceptedOnes() {
        assertThatThrownBy(() -> CryptoSettings.from("rot13", "none"))
                .hasMessage("crypto_cipher 'rot13' is unknown: use aes256 (default, AES-256-GCM),"
                        + " chacha20 (ChaCha20-Poly1305) or none");
        assertThatThrownBy(() -> CryptoSettings.from("aes256", "crc32"))
                .hasMessageStartingWith("crypto_hash 'crc32' is unknown: use none, sha256, sha384 or sha512");
    }
}
