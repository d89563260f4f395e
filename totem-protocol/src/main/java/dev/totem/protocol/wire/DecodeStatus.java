package dev.totem.protocol.wire;

/**
 * Outcome of {@link Frames#check}: {@link #OK} or why a frame is rejected. The engine counts
 * rejections per kind and drops the frame.
 */
public enum DecodeStatus {
    /** The frame is structurally sound; its decoder and flyweight getters will not fail. */
    OK,
    /**
     * Fewer bytes than a header, or than the fixed part of the frame's type; or the region given
     * (offset, length) does not lie inside the buffer.
     */
    TRUNCATED,
    /** Longer than {@link Frames#MAX_FRAME_LENGTH}. */
    OVERSIZED,
    /** The first two bytes are not {@link Frames#MAGIC}: not one of our frames. */
    BAD_MAGIC,
    /** A version other than {@link Frames#VERSION}. */
    UNKNOWN_VERSION,
    /** A type code that is no {@link FrameType}. */
    UNKNOWN_TYPE,
    /**
     * The header's frameLength differs from the length received, or the length differs from the
     * one the frame's counts imply (or from the fixed length of a fixed-size type).
     */
    LENGTH_MISMATCH,
    /** A count above its limit: retransmit entries, processors, members. */
    COUNT_OVER_LIMIT,
    /**
     * A field with a value the layout forbids: unknown flag bits, LEAVE on a frame other than a
     * join, a 0/1 field with another value, an unknown guarantee or encapsulation code, non-zero
     * reserved bytes, a zero node id where one is required, commit members not strictly
     * ascending, a member count of 0, a member index past the member count, or an encapsulated
     * payload that is not one whole plain MCAST frame.
     */
    BAD_FIELD
}
