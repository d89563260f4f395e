package dev.totem.crypto;

/**
 * What {@link Opener#open} made of a frame: the Totem frame inside and its authenticated sender,
 * or the reason it was rejected.
 *
 * <p>Rejections are shared constants, so rejecting junk allocates nothing.
 */
public final class OpenResult {
    private static final OpenResult[] REJECTIONS = rejections();

    private final Rejection rejection;
    private final int senderNodeId;
    private final byte[] frame;

    private OpenResult(Rejection rejection, int senderNodeId, byte[] frame) {
        this.rejection = rejection;
        this.senderNodeId = senderNodeId;
        this.frame = frame;
    }

    static OpenResult accepted(int senderNodeId, byte[] frame) {
        return new OpenResult(null, senderNodeId, frame);
    }

    static OpenResult rejected(Rejection rejection) {
        return REJECTIONS[rejection.ordinal()];
    }

    /** @return whether the frame was accepted */
    public boolean isAccepted() {
        return rejection == null;
    }

    /** @return why the frame was rejected, or null if it was accepted */
    public Rejection rejection() {
        return rejection;
    }

    /**
     * @return the Totem frame, a new array the caller owns
     * @throws IllegalStateException if the frame was rejected
     */
    public byte[] frame() {
        if (rejection != null) {
            throw new IllegalStateException("rejected (" + rejection + "): there is no frame");
        }
        return frame;
    }

    /**
     * @return the sender's node id from the sealed header, authenticated by the tag (0 for a
     *     clear frame, which has no such header); the driver checks that it matches the sender of
     *     the Totem frame inside, so that the replay window that let the frame in is that
     *     sender's
     * @throws IllegalStateException if the frame was rejected
     */
    public int senderNodeId() {
        if (rejection != null) {
            throw new IllegalStateException("rejected (" + rejection + "): there is no sender");
        }
        return senderNodeId;
    }

    @Override
    public String toString() {
        return rejection != null ? "OpenResult[" + rejection + "]"
                : "OpenResult[accepted from " + Integer.toUnsignedString(senderNodeId) + ", " + frame.length + " bytes]";
    }

    private static OpenResult[] rejections() {
        Rejection[] all = Rejection.values();
        OpenResult[] results = new OpenResult[all.length];
        for (Rejection r : all) {
            results[r.ordinal()] = new OpenResult(r, 0, null);
        }
        return results;
    }
}
