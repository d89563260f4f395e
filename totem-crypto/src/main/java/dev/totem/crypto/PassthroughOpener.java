package dev.totem.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code crypto_cipher none}: every datagram is accepted as a clear frame. The Totem frame
 * checks ({@code Frames.check}) are then the only defence against junk.
 */
final class PassthroughOpener implements Opener {
    private long accepted;

    @Override
    public OpenResult open(byte[] sealed, int off, int len) {
        Objects.checkFromIndexSize(off, len, sealed.length);
        accepted++;
        return OpenResult.accepted(0, Arrays.copyOfRange(sealed, off, off + len));
    }

    @Override
    public void rotate(FrameKey newKey) {
        throw new IllegalStateException("crypto_cipher none has no key to rotate");
    }

    @Override
    public void dropPrevious() {
        // No keys, nothing to drop.
    }

    @Override
    public long acceptedFrames() {
        return accepted;
    }

    @Override
    public long rejectedFrames(Rejection reason) {
        return 0;
    }
}
