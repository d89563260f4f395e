package dev.totem.protocol.wire;

/**
 * The six kinds of Totem SRP frame, with their wire codes (the codes of corosync's
 * {@code enum message_type}).
 */
public enum FrameType {
    /** The ordering, reliability and flow-control token that circulates on a formed ring. */
    ORF_TOKEN(0, 64),
    /** One ring-ordered data message. */
    MCAST(1, 40),
    /** The representative of an idle ring advertises it so that partitions can merge. */
    MERGE_DETECT(2, 24),
    /** A membership proposal while gathering; with the LEAVE flag, a node leaving on purpose. */
    JOIN(3, 32),
    /** The token that forms a new ring and collects each member's old-ring state. */
    COMMIT_TOKEN(4, 36),
    /** Wakes a representative that holds the token on an idle ring. */
    TOKEN_HOLD_CANCEL(5, 24);

    private final int code;
    private final int fixedLength;

    FrameType(int code, int fixedLength) {
        this.code = code;
        this.fixedLength = fixedLength;
    }

    /** The wire code of this type (byte 3 of the header). */
    public int code() {
        return code;
    }

    /**
     * Bytes of a frame of this type without its variable part (retransmit list, payload, node id
     * lists, commit entries), header included. For the two fixed-size types it is the length.
     */
    public int fixedLength() {
        return fixedLength;
    }

    /** The type with this wire code, or {@code null} for an unknown code. */
    public static FrameType ofCode(int code) {
        return switch (code) {
            case 0 -> ORF_TOKEN;
            case 1 -> MCAST;
            case 2 -> MERGE_DETECT;
            case 3 -> JOIN;
            case 4 -> COMMIT_TOKEN;
            case 5 -> TOKEN_HOLD_CANCEL;
            default -> null;
        };
    }
}
