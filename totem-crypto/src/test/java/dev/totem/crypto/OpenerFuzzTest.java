package dev.totem.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.testkit.SeededCases;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A million hostile inputs to an opener: none throws, none is accepted unless it is an untouched
 * sealed frame. Most inputs are cheap junk; about one in ten carries a valid format byte and key
 * id so that it reaches the tag check, and some are sealed frames with a few bytes changed.
 */
class OpenerFuzzTest {
    private static final int CASES = 100;
    private static final int INPUTS_PER_CASE = 10_000;

    @Test
    void aMillionRandomInputsRaiseNothing() {
        FrameKey key = TestKeys.frameKey(1);
        SeededCases.run(50_000, CASES, (random, seed) -> {
            CryptoCipher cipher = random.nextBoolean() ? CryptoCipher.AES256_GCM : CryptoCipher.CHACHA20_POLY1305;
            FrameOpener opener = new FrameOpener(cipher, key);
            FrameSealer sealer = TestKeys.sealer(cipher, key, 1 + random.nextInt(5), random.nextLong());
            byte[] buf = new byte[300];
            long genuine = 0;
            for (int i = 0; i < INPUTS_PER_CASE; i++) {
                int kind = random.nextInt(100);
                int len;
                if (kind < 88) {
                    len = junk(random, buf);
                } else if (kind < 98) {
                    len = junk(random, buf);
                    if (len >= SealedFrame.HEADER_BYTES) {
                        // Passes the cheap checks, so the tag is what rejects it.
                        buf[0] = cipher.formatByte();
                        SealedFrame.putInt(buf, SealedFrame.KEY_ID_OFFSET, key.keyId());
                        buf[SealedFrame.COUNTER_OFFSET] &= 0x7F;
                    }
                } else {
                    int size = random.nextInt(200);
                    byte[] sealed = sealer.seal(TestKeys.frame(random, size), 0, size);
                    System.arraycopy(sealed, 0, buf, 0, sealed.length);
                    int changes = random.nextInt(3);
                    for (int c = 0; c < changes; c++) {
                        buf[random.nextInt(sealed.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                    len = random.nextInt(10) == 0 ? random.nextInt(sealed.length + 1) : sealed.length;
                    // Two changes of one byte may cancel out: what counts is what is sent.
                    if (len == sealed.length && Arrays.equals(buf, 0, len, sealed, 0, len)) {
                        genuine++;
                    }
                }
                int off = random.nextInt(buf.length - len + 1);
                if (off > 0) {
                    System.arraycopy(buf, 0, buf, off, len);
                }
                opener.open(buf, off, len);
            }
            long rejected = 0;
            for (Rejection r : Rejection.values()) {
                rejected += opener.rejectedFrames(r);
            }
            assertThat(opener.acceptedFrames()).isEqualTo(genuine);
            assertThat(opener.acceptedFrames() + rejected).isEqualTo(INPUTS_PER_CASE);
        });
    }

    private static int junk(SplittableRandom random, byte[] buf) {
        int len = random.nextInt(120);
        for (int i = 0; i < len; i++) {
            buf[i] = (byte) random.nextInt();
        }
        return len;
    }
}
