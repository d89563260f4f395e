package dev.totem.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The format as the README describes it, checked by a second implementation (BouncyCastle's
 * lightweight API, not the JCA the module uses) that reads a sealed frame from the offsets
 * table and the derivation alone. Also pins one sealed frame byte for byte, so a change to the
 * format or the derivation cannot go unnoticed.
 */
class SealedFormatTest {

    @ParameterizedTest
    @EnumSource(value = CryptoCipher.class, names = {"AES256_GCM", "CHACHA20_POLY1305"})
    void aSecondImplementationOpensWhatTheReadmeDescribes(CryptoCipher cipher) throws Exception {
        byte[] keyFile = TestKeys.keyBytes(5);
        FrameSealer sealer = new FrameSealer(cipher, KeyFile.of(keyFile).derive("alpha"), 0x0A0B0C0D,
                new SplittableRandom(5));
        sealer.seal(new byte[1], 0, 1);
        byte[] frame = "a Totem frame".getBytes(StandardCharsets.UTF_8);

        byte[] sealed = sealer.seal(frame, 0, frame.length);

        ByteBuffer b = ByteBuffer.wrap(sealed);
        assertThat(b.get(0)).isEqualTo(cipher == CryptoCipher.AES256_GCM ? (byte) 0xA1 : (byte) 0xC1);
        assertThat(b.getInt(1)).isEqualTo(hkdf(keyFile, "totem key id v1alpha", 4).getInt());
        assertThat(b.getInt(5)).isEqualTo(0x0A0B0C0D);
        long salt = b.getLong(9);
        assertThat(salt).isEqualTo(sealer.bootSalt());
        assertThat(b.getLong(17)).isEqualTo(1);
        byte[] frameKey = hkdf(keyFile, "totem frame key v1alpha", 32).array();
        byte[] bootInfo = ByteBuffer.allocate(17 + 12).put("totem boot key v1".getBytes(StandardCharsets.US_ASCII))
                .putInt(0x0A0B0C0D).putLong(salt).array();
        HKDFBytesGenerator expand = new HKDFBytesGenerator(new SHA256Digest());
        expand.init(HKDFParameters.skipExtractParameters(frameKey, bootInfo));
        byte[] bootKey = new byte[32];
        expand.generateBytes(bootKey, 0, 32);
        byte[] nonce = ByteBuffer.allocate(12).putInt((int) (salt >>> 32)).putLong(1).array();
        byte[] aad = Arrays.copyOfRange(sealed, 0, 25);

        AEADCipher aead = cipher == CryptoCipher.AES256_GCM
                ? GCMBlockCipher.newInstance(AESEngine.newInstance()) : new ChaCha20Poly1305();
        aead.init(false, new AEADParameters(new KeyParameter(bootKey), 128, nonce, aad));
        byte[] plain = new byte[aead.getOutputSize(sealed.length - 25)];
        int n = aead.processBytes(sealed, 25, sealed.length - 25, plain, 0);
        n += aead.doFinal(plain, n);

        assertThat(n).isEqualTo(frame.length);
        assertThat(plain).isEqualTo(frame);
    }

    @Test
    void oneSealedFrameIsPinned() throws Exception {
        FrameKey key = KeyFile.of(TestKeys.keyBytes(1)).derive("pinned");
        FrameSealer sealer = new FrameSealer(CryptoCipher.AES256_GCM, key, 7, new SplittableRandom(42));
        byte[] frame = "hello totem".getBytes(StandardCharsets.US_ASCII);

        String hex = HexFormat.of().formatHex(sealer.seal(frame, 0, frame.length));

        assertThat(hex).isEqualTo(PINNED);
    }

    /** Key file of seed 1, cluster "pinned", sender 7, salt from seed 42, counter 0, "hello totem". */
    private static final String PINNED = "a1" + "d46426ae" + "00000007" + "bdd732262feb6e95" + "0000000000000000"
            + "a2b8be97037f3b53a9701e" + "6ba6407d3b6c023ea98e170cc98c00ae";

    private static ByteBuffer hkdf(byte[] ikm, String info, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, null, info.getBytes(StandardCharsets.UTF_8)));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return ByteBuffer.wrap(out);
    }
}
