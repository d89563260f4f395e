package dev.totem.protocol.api;

/**
 * The timers an engine asks its driver to run. At most one timer of each kind is armed per
 * engine: setting one replaces it, and it fires once.
 */
public enum TimerKind {
    /** No token seen for {@code token} ms: the ring is considered broken. */
    TOKEN_LOSS,
    /** Resend the last token sent, in case it was lost ({@code token_retransmit}). */
    TOKEN_RETRANSMIT,
    /** An idle representative releases the token it holds ({@code hold}). */
    HOLD,
    /** Resend our join while gathering ({@code join}). */
    JOIN,
    /** Give up waiting for consensus on the join sets ({@code consensus}). */
    CONSENSUS,
    /** The idle representative advertises its ring so partitions can merge ({@code merge}). */
    MERGE_DETECT,
    /** A jittered delay before the first join is sent. */
    JOIN_JITTER,
    /** Redundant ring, active mode: stop waiting for a token's copies on the other networks. */
    RRP_TOKEN_WAIT,
    /** Redundant ring: the token sent did not come back in time; send it again on another network. */
    RRP_TOKEN_RESEND,
    /** Redundant ring: send probes on every network and judge each network's health. */
    RRP_PROBE
}
