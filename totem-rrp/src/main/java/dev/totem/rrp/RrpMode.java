package dev.totem.rrp;

/** How a {@link RedundantRing} uses its networks (corosync 2's {@code rrp_mode}). */
public enum RrpMode {
    /** One network: everything goes on network 0, nothing is watched. */
    NONE,
    /**
     * Each frame and each token goes on one working network, round robin (separate cursors for
     * tokens and for other frames); frames are received on every network.
     */
    PASSIVE,
    /**
     * Every frame and every token goes on every working network; the receiver drops the copies
     * and hands a token on once it came on every working network, or after a short wait.
     */
    ACTIVE;

    /** Parses the configuration spelling (none, passive, active), case-insensitive. */
    public static RrpMode parse(String text) {
        for (RrpMode m : values()) {
            if (m.name().equalsIgnoreCase(text.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown rrp mode '" + text + "'; expected none, passive or active");
    }
}
