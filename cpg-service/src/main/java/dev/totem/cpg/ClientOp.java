package dev.totem.cpg;

/** A client operation on a group, and which states of the client in that group refuse it, as corosync's CPG does. */
enum ClientOp {
    JOIN, LEAVE, MCAST;

    /**
     * @param s the client's state in the group
     * @return the refusal of this operation in state {@code s}, or null when the state allows it
     */
    CpgResult refusal(ConnectionState s, ClientId client, String group) {
        CpgError error = switch (this) {
            case JOIN -> s == ConnectionState.UNJOINED ? null : s == ConnectionState.LEAVE_STARTED ? CpgError.BUSY : CpgError.EXIST;
            case LEAVE -> s == ConnectionState.JOIN_COMPLETED ? null : s == ConnectionState.JOIN_STARTED ? CpgError.BUSY
                    : CpgError.NOT_EXIST;
            case MCAST -> s == ConnectionState.JOIN_STARTED || s == ConnectionState.JOIN_COMPLETED ? null : CpgError.NOT_EXIST;
        };
        if (error == null) {
            return null;
        }
        String where = switch (s) {
            case UNJOINED -> "is not in";
            case JOIN_STARTED -> "is still joining";
            case JOIN_COMPLETED -> "is already in";
            case LEAVE_STARTED -> "is leaving";
        };
        return CpgResult.of(error, "can't " + name().toLowerCase() + ": " + client + " " + where + " group \"" + group + "\"");
    }
}
