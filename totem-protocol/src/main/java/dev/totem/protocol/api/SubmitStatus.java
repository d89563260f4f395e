package dev.totem.protocol.api;

/** Outcome of submitting an application message. */
public enum SubmitStatus {
    /** The input was not a submit. */
    NONE,
    /** Accepted: it will be delivered in the total order, unless this node fails first. */
    ACCEPTED,
    /** The send queue is full: nothing was queued; try again after the token has come round. */
    TRY_AGAIN,
    /** Larger than the largest message the engine carries: never accepted. */
    TOO_LARGE,
    /** The engine is not in a state to accept messages (for example, stopped after leaving). */
    NOT_READY
}
