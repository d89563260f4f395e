package dev.totem.crypto;

import java.util.Objects;
import java.util.random.RandomGenerator;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the frames of one node with an AEAD cipher (layout in {@link SealedFrame}).
 *
 * <p>Nonces never repeat under one key: each (sender, boot salt) has its own boot key (see
 * {@link FrameKey}), and the nonce is the salt's first 4 bytes followed by a counter that goes
 * up by one per frame. The boot salt is drawn when the sealer is made, so a restarted node,
 * whose counter starts again at 0, seals under a fresh key; it is drawn again after
 * {@link #FRAMES_PER_SALT} frames, which bounds the data sealed under one key far below the
 * limits of AES-GCM.
 *
 * <p>Single owner (the event loop); not thread-safe.
 */
public final class FrameSealer implements Sealer {
    /**
     * Frames sealed under one boot salt before the sealer draws a new one: 2^32. At 9000 bytes a
     * frame that is about 2^41 AES blocks per key, where GCM's confidentiality bound stays near
     * 2^-46; without a new salt a node sealing 100,000 frames a second for a year would reach 2^-27.
     */
    public static final long FRAMES_PER_SALT = 1L << 32;

    private final CryptoCipher cipher;
    private final int senderNodeId;
    private final RandomGenerator random;
    private final long framesPerSalt;
    private final JcaAead aead;
    private FrameKey key;
    private long bootSalt;
    private SecretKeySpec bootKey;
    private long counter;

    /**
     * @param cipher an AEAD cipher, not {@link CryptoCipher#NONE}
     * @param key the cluster's frame key
     * @param senderNodeId this node's id, non-zero
     * @param random the source of boot salts: a {@link java.security.SecureRandom} in production;
     *     a seeded generator only where nonce reuse does not matter (tests, the simulator)
     */
    public FrameSealer(CryptoCipher cipher, FrameKey key, int senderNodeId, RandomGenerator random) {
        this(cipher, key, senderNodeId, random, FRAMES_PER_SALT);
    }

    /** With a smaller {@code framesPerSalt}, tests can see the salt change. */
    FrameSealer(CryptoCipher cipher, FrameKey key, int senderNodeId, RandomGenerator random, long framesPerSalt) {
        if (cipher == CryptoCipher.NONE) {
            throw new IllegalArgumentException("crypto_cipher none does not seal: use Sealer.create");
        }
        if (senderNodeId == 0) {
            throw new IllegalArgumentException("node id 0 is not a node");
        }
        if (framesPerSalt < 1 || framesPerSalt > 1L << 62) {
            throw new IllegalArgumentException("framesPerSalt out of range: " + framesPerSalt);
        }
        this.cipher = cipher;
        this.key = Objects.requireNonNull(key, "key");
        this.senderNodeId = senderNodeId;
        this.random = Objects.requireNonNull(random, "random");
        this.framesPerSalt = framesPerSalt;
        this.aead = new JcaAead(cipher);
        this.bootSalt = random.nextLong();
        this.bootKey = key.bootKey(cipher, senderNodeId, bootSalt);
    }

    @Override
    public int overheadBytes() {
        return SealedFrame.OVERHEAD_BYTES;
    }

    @Override
    public byte[] seal(byte[] frame, int off, int len) {
        Objects.checkFromIndexSize(off, len, frame.length);
        byte[] out = new byte[len + SealedFrame.OVERHEAD_BYTES];
        seal(frame, off, len, out, 0);
        return out;
    }

    @Override
    public int seal(byte[] frame, int off, int len, byte[] out, int outOff) {
        Objects.checkFromIndexSize(off, len, frame.length);
        int sealedLength = len + SealedFrame.OVERHEAD_BYTES;
        Objects.checkFromIndexSize(outOff, sealedLength, out.length);
        if (frame == out && len > 0 && off < outOff + sealedLength && outOff < off + len) {
            throw new IllegalArgumentException("the sealed frame would overlap the frame");
        }
        if (counter == framesPerSalt) {
            newSalt();
        }
        out[outOff + SealedFrame.FORMAT_OFFSET] = cipher.formatByte();
        SealedFrame.putInt(out, outOff + SealedFrame.KEY_ID_OFFSET, key.keyId());
        SealedFrame.putInt(out, outOff + SealedFrame.SENDER_OFFSET, senderNodeId);
        SealedFrame.putLong(out, outOff + SealedFrame.BOOT_SALT_OFFSET, bootSalt);
        SealedFrame.putLong(out, outOff + SealedFrame.COUNTER_OFFSET, counter);
        aead.seal(bootKey, bootSalt, counter, frame, off, len, out, outOff);
        counter++;
        return sealedLength;
    }

    @Override
    public void rotate(FrameKey newKey) {
        // The counter goes on: the new frame key gives a new boot key, under which it is unused.
        key = Objects.requireNonNull(newKey, "newKey");
        bootKey = key.bootKey(cipher, senderNodeId, bootSalt);
    }

    /** @return the key id of the key frames are sealed with now */
    public int keyId() {
        return key.keyId();
    }

    /** @return the boot salt of the frames sealed now (it changes every {@link #FRAMES_PER_SALT} frames) */
    public long bootSalt() {
        return bootSalt;
    }

    /** @return the counter the next frame gets */
    long nextCounter() {
        return counter;
    }

    private void newSalt() {
        long salt = random.nextLong();
        if (salt == bootSalt) {
            // An opener would take the old counters of this salt for replays.
            salt = random.nextLong();
            if (salt == bootSalt) {
                throw new IllegalStateException("the random source repeats itself: pass a SecureRandom");
            }
        }
        bootSalt = salt;
        bootKey = key.bootKey(cipher, senderNodeId, bootSalt);
        counter = 0;
    }
}
