package dev.totem.locks.baseline;

/**
 * The baseline's frames over TCP, network byte order, each {@code length (4) | body}:
 *
 * <pre>
 *   client to server: op (1: ACQUIRE 1, TRY 2, RELEASE 3) | seq (8) | name length (2) | name (UTF-8)
 *   server to client: answer (1: GRANTED 1, DENIED 2) | seq (8) | fence (8)
 * </pre>
 * An acquire or a try gets exactly one answer; a release gets none (the client does not wait).
 */
final class Wire {
    static final byte ACQUIRE = 1;
    static final byte TRY = 2;
    static final byte RELEASE = 3;
    static final byte GRANTED = 1;
    static final byte DENIED = 2;
    static final int ANSWER_BYTES = 1 + 8 + 8;
    /** The largest request body: op, seq, name length, and a name of the longest kind. */
    static final int REQUEST_BYTES_MAX = 1 + 8 + 2 + dev.totem.locks.LockCodec.NAME_BYTES_MAX;

    private Wire() {}
}
