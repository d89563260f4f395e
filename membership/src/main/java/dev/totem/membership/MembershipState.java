package dev.totem.membership;

/** The four states of the Totem membership protocol. */
public enum MembershipState {
    /** Exchanging join messages until every proposed member agrees on the proc and failed sets. */
    GATHER,
    /** The representative's commit token makes its first lap, collecting each member's old-ring state. */
    COMMIT,
    /** The new ring runs; its members exchange the old rings' messages before installing it. */
    RECOVERY,
    /** The ring is installed; application messages are ordered and delivered. */
    OPERATIONAL
}
