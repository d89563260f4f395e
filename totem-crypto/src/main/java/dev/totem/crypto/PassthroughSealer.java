package dev.totem.crypto;

import java.util.Arrays;
import java.util.Objects;

/** {@code crypto_cipher none}: frames go out as they are, with no overhead. */
final class PassthroughSealer implements Sealer {

    @Override
    public int overheadBytes() {
        return 0;
    }

    @Override
    public byte[] seal(byte[] frame, int off, int len) {
        Objects.checkFromIndexSize(off, len, frame.length);
        return Arrays.copyOfRange(frame, off, off + len);
    }

    @Override
    public int seal(byte[] frame, int off, int len, byte[] out, int outOff) {
        Objects.checkFromIndexSize(off, len, frame.length);
        Objects.checkFromIndexSize(outOff, len, out.length);
        System.arraycopy(frame, off, out, outOff, len);
        return len;
    }

    @Override
    public void rotate(FrameKey newKey) {
        throw new IllegalStateException("crypto_cipher none has no key to rotate");
    }
}
