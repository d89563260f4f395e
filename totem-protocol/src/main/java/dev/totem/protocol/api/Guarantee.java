package dev.totem.protocol.api;

/** Delivery guarantee of one application message; both share one total order. */
public enum Guarantee {
    /** Delivered once every message with a lower sequence number has been delivered. */
    AGREED,
    /** Delivered only once every member of the ring is known to hold the message. */
    SAFE;

    /** The wire code of this guarantee. */
    public int code() {
        return ordinal();
    }

    /** The guarantee with this wire code, or {@code null} for an unknown code. */
    public static Guarantee ofCode(int code) {
        return switch (code) {
            case 0 -> AGREED;
            case 1 -> SAFE;
            default -> null;
        };
    }

    /** The name used in traces: "agreed" or "safe". */
    public String traceName() {
        return this == AGREED ? "agreed" : "safe";
    }
}
