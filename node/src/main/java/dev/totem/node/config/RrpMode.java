package dev.totem.node.config;

import java.util.Locale;

/**
 * How several networks (rings) carry one logical Totem network: corosync 2's {@code rrp_mode},
 * also read from corosync 3's {@code link_mode} (passive or active).
 */
public enum RrpMode {
    /** One network only. */
    NONE,
    /** Frames spread over the working networks; the usual choice. */
    PASSIVE,
    /** Every frame on every working network; lower latency on a faulty network, more load. */
    ACTIVE;

    /** @return the value as written in the file: {@code none}, {@code passive} or {@code active} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
