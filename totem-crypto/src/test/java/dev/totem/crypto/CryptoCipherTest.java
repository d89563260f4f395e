package dev.totem.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CryptoCipherTest {
    @Test
    void aesGcmOnJava17AdvisesANewerJavaAndNamesHowToPickOne() {
        assertThat(CryptoCipher.AES256_GCM.runtimeAdvice(17))
                .hasValueSatisfying(line -> assertThat(line).contains("aes256", "Java 17", "Java 21", "JAVA_HOME"));
    }

    @Test
    void aesGcmNeedsNoAdviceFromJava18On() {
        assertThat(CryptoCipher.AES256_GCM.runtimeAdvice(18)).isEmpty();
        assertThat(CryptoCipher.AES256_GCM.runtimeAdvice(25)).isEmpty();
    }

    @Test
    void chachaGetsItsIntrinsicsOnlyFromJava20() {
        assertThat(CryptoCipher.CHACHA20_POLY1305.runtimeAdvice(19)).hasValueSatisfying(line -> assertThat(line).contains("chacha20"));
        assertThat(CryptoCipher.CHACHA20_POLY1305.runtimeAdvice(21)).isEmpty();
    }

    @Test
    void framesInTheClearNeedNoAdvice() {
        assertThat(CryptoCipher.NONE.runtimeAdvice(17)).isEmpty();
    }
}
