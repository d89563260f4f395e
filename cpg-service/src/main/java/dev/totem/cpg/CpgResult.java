package dev.totem.cpg;

/**
 * The answer to a client operation: the error code and, when it is not {@link CpgError#OK}, a
 * sentence saying why, fit for a log or an IPC reply.
 *
 * @param error the code
 * @param detail why; empty for OK
 */
public record CpgResult(CpgError error, String detail) {
    /** The one success answer. */
    public static final CpgResult OK = new CpgResult(CpgError.OK, "");

    public CpgResult {
        if (error == null || detail == null) {
            throw new IllegalArgumentException("error and detail are required");
        }
    }

    /** A refusal with {@code error} because of {@code detail}. */
    public static CpgResult of(CpgError error, String detail) {
        return new CpgResult(error, detail);
    }

    /** Whether the operation was accepted. */
    public boolean ok() {
        return error == CpgError.OK;
    }

    @Override
    public String toString() {
        return ok() ? "OK" : error + ": " + detail;
    }
}
