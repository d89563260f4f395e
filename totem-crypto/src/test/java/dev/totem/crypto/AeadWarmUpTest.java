package dev.totem.crypto;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AeadWarmUpTest {
    @ParameterizedTest
    @EnumSource(CryptoCipher.class)
    void everyCipherSealsAndOpensItsWarmUpFrames(CryptoCipher cipher) {
        // Each round's frame must open, or run() throws: ChaCha20-Poly1305 refuses to decrypt
        // under the key and nonce it just encrypted with unless JcaAead takes its detour.
        assertThatCode(() -> AeadWarmUp.run(cipher, 50)).doesNotThrowAnyException();
    }
}
