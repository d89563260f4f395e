package dev.totem.crypto;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Seals outgoing Totem frames of one node. Single owner (the event loop); not thread-safe.
 *
 * <p>A node makes one sealer at start-up with {@link #create}, passing a
 * {@link java.security.SecureRandom}: the boot salt drawn from it is what keeps a restarted node
 * from reusing nonces.
 */
public interface Sealer {

    /**
     * Makes the sealer of a node.
     *
     * @param cipher the configured cipher; {@link CryptoCipher#NONE} gives a passthrough
     * @param key the cluster's frame key; ignored (may be null) for {@link CryptoCipher#NONE}
     * @param senderNodeId this node's id, non-zero
     * @param random the source of boot salts: a {@link java.security.SecureRandom} in production,
     *     a seeded generator in tests and the simulator
     * @return the sealer
     */
    static Sealer create(CryptoCipher cipher, FrameKey key, int senderNodeId, RandomGenerator random) {
        Objects.requireNonNull(cipher, "cipher");
        return cipher == CryptoCipher.NONE ? new PassthroughSealer() : new FrameSealer(cipher, key, senderNodeId, random);
    }

    /**
     * @return bytes a sealed frame has more than the frame: 41 for an AEAD cipher, 0 for none.
     *     The node subtracts it from netmtu, so a sealed frame still fits a datagram.
     */
    int overheadBytes();

    /**
     * Seals a frame into a new array.
     *
     * @param frame holds the Totem frame
     * @param off where it starts
     * @param len its length
     * @return the sealed frame, {@code len + overheadBytes()} bytes
     */
    byte[] seal(byte[] frame, int off, int len);

    /**
     * Seals a frame into a buffer the caller provides (for example a pooled datagram buffer).
     *
     * @param frame holds the Totem frame
     * @param off where it starts
     * @param len its length
     * @param out receives the sealed frame; must not overlap the frame
     * @param outOff where the sealed frame starts in {@code out}
     * @return bytes written: {@code len + overheadBytes()}
     * @throws IndexOutOfBoundsException if a range is outside its array
     */
    int seal(byte[] frame, int off, int len, byte[] out, int outOff);

    /**
     * Seals the frames from now on with {@code newKey}. Call it only once every opener of the
     * cluster holds the new key (see {@link Opener#rotate}), or their owners reject the frames as
     * {@link Rejection#UNKNOWN_KEY}.
     *
     * @param newKey the new frame key
     * @throws IllegalStateException for {@link CryptoCipher#NONE}, which has no key
     */
    void rotate(FrameKey newKey);
}
