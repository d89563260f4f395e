package dev.totem.rrp;

/** Whether a {@link RedundantRing} sends on a network. */
public enum NetworkState {
    /** Carries frames and tokens. */
    ACTIVE,
    /** Judged broken: only probes go out on it until it is re-enabled. */
    FAULTY
}
