package dev.totem.cpg;

/**
 * The answers of client operations: the {@code cs_error_t} values CPG uses, with corosync's
 * codes (include/corosync/corotypes.h).
 */
public enum CpgError {
    OK(1),
    /** Not now: the ring is changing (sync), or the engine's send queue is full. Retry later. */
    TRY_AGAIN(6),
    /** A malformed argument (an empty group name, a null payload). */
    INVALID_PARAM(7),
    /** The handle was closed or its client disconnected. */
    BAD_HANDLE(9),
    /** The operation waits on an earlier one of the same client and group (join or leave in progress). */
    BUSY(10),
    /** The client is not in the group (or is leaving it). */
    NOT_EXIST(12),
    /** The group name is longer than {@link CpgService#GROUP_NAME_BYTES_MAX} bytes of UTF-8. */
    NAME_TOO_LONG(13),
    /** The client is already in the group (or joining it). */
    EXIST(14),
    /** A limit of the node was reached (local memberships). */
    NO_RESOURCES(18),
    /** The message is larger than the service carries. */
    TOO_BIG(26);

    private final int code;

    CpgError(int code) {
        this.code = code;
    }

    /** corosync's numeric value. */
    public int code() {
        return code;
    }
}
