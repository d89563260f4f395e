package dev.totem.locks;

/** A lock request that failed: the reason is in the message (and {@link #cause()} when the table took it out). */
public final class LockException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient LockEvent.Cause tableCause;

    /** A failure the service reports before or outside the table (closed, outbox full, bad name). */
    public LockException(String message) {
        this(message, null);
    }

    /** A request the table took out of its queue because of {@code cause}. */
    public LockException(String message, LockEvent.Cause cause) {
        super(message);
        this.tableCause = cause;
    }

    /** Why the table took the request out, or null when it never got there. */
    public LockEvent.Cause tableCause() {
        return tableCause;
    }
}
