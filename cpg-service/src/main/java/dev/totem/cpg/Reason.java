package dev.totem.cpg;

/** Why a process appears in a confchg list; corosync's {@code cpg_reason_t}, with its codes. */
public enum Reason {
    /** Used for the entries of a member list. */
    UNDEFINED(0),
    /** The process joined the group. */
    JOIN(1),
    /** The process left the group. */
    LEAVE(2),
    /** The process's node left the configuration. */
    NODEDOWN(3),
    /** The process was learned from a node that joined the configuration. */
    NODEUP(4),
    /** The process went away without leaving (it died or was disconnected). */
    PROCDOWN(5);

    private final int code;

    Reason(int code) {
        this.code = code;
    }

    /** corosync's numeric value. */
    public int code() {
        return code;
    }

    /** The reason with corosync's numeric value {@code code}, or null. */
    public static Reason ofCode(int code) {
        for (Reason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
