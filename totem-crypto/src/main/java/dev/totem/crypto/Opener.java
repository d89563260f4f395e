package dev.totem.crypto;

import java.util.Objects;

/**
 * Opens incoming sealed frames: checks them and returns the Totem frame inside, or a typed
 * rejection. Holds the keys (current and, during a rotation, previous) and the replay windows of
 * the senders. Single owner (the event loop); not thread-safe.
 */
public interface Opener {

    /**
     * Makes the opener of a node.
     *
     * @param cipher the configured cipher; {@link CryptoCipher#NONE} gives a passthrough that
     *     accepts every frame as it is
     * @param key the cluster's frame key; ignored (may be null) for {@link CryptoCipher#NONE}
     * @return the opener
     */
    static Opener create(CryptoCipher cipher, FrameKey key) {
        Objects.requireNonNull(cipher, "cipher");
        return cipher == CryptoCipher.NONE ? new PassthroughOpener() : new FrameOpener(cipher, key);
    }

    /**
     * Opens one received datagram. Never throws for any content: network bytes cannot break the
     * event loop. Only a caller bug (null array, range outside it) throws.
     *
     * @param sealed holds the datagram; not kept: the frame returned is a copy, so the caller
     *     may reuse the array
     * @param off where it starts
     * @param len its length
     * @return the frame and its sender, or why it was rejected
     * @throws IndexOutOfBoundsException if the range is outside the array
     */
    OpenResult open(byte[] sealed, int off, int len);

    /**
     * Adds a new key: it becomes current and the current one becomes previous (a previous key
     * still held is dropped). Frames sealed with either open until {@link #dropPrevious()}.
     *
     * <p>Cluster-wide rotation, driven by the node runtime: (1) every node rotates its opener,
     * (2) every node rotates its sealer ({@link Sealer#rotate}), (3) after a grace period longer
     * than frames stay in flight, every node drops the previous key.
     *
     * @param newKey the new frame key; the current key again is accepted and does nothing
     * @throws IllegalArgumentException if it has the key id of the current key but other bytes
     *     (a 1 in 2^32 collision: generate another key)
     * @throws IllegalStateException for {@link CryptoCipher#NONE}, which has no key
     */
    void rotate(FrameKey newKey);

    /**
     * Ends the grace period of a rotation: frames sealed with the previous key are rejected as
     * {@link Rejection#UNKNOWN_KEY} from now on. Does nothing without a previous key.
     */
    void dropPrevious();

    /** @return frames accepted so far */
    long acceptedFrames();

    /**
     * @param reason a rejection reason
     * @return frames rejected for that reason so far
     */
    long rejectedFrames(Rejection reason);
}
