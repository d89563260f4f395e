package dev.totem.crypto;

/** Why an opener did not accept a frame. Each is counted; none is ever thrown. */
public enum Rejection {
    /** Shorter than a sealed frame can be: header + tag. */
    TRUNCATED,
    /** Not a frame of the configured cipher (another format byte, e.g. a clear frame or the
     * other cipher), or a header field out of range (sender 0, counter of 2^63 or more). */
    BAD_FORMAT,
    /** Sealed with a key the opener does not hold: another cluster, another key file, or a key
     * rotated out. */
    UNKNOWN_KEY,
    /** The tag does not verify: the frame was changed, forged, or sealed with another key that
     * happens to share the key id. */
    BAD_TAG,
    /** A counter already accepted from that sender boot, one too old for the window, or a frame
     * of a retired boot of that sender. Checked before the tag, so a forgery that copies a seen
     * header counts here too. */
    REPLAY
}
