package dev.totem.cpg;

/** Where the service stands with respect to the ring's configurations. */
public enum SyncPhase {
    /** No regular configuration yet: the node has not formed or joined a ring. */
    NO_RING,
    /**
     * A regular configuration was installed and its JOINLISTs are not all in: group tables may
     * differ between members, so nothing is delivered to clients and client operations answer
     * TRY_AGAIN.
     */
    SYNCING,
    /**
     * The ring broke while the service was synchronised: the old configuration's last messages
     * are still delivered (the transitional configuration); client operations answer TRY_AGAIN.
     */
    TRANSITIONAL,
    /** Every member's JOINLIST arrived: group tables agree, the service runs normally. */
    SYNCED
}
