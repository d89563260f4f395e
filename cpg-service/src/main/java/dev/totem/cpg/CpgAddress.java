package dev.totem.cpg;

/**
 * One process in a confchg list or a membership: corosync's {@code struct cpg_address}. Ordered
 * by (node id, pid), the order of every list the service hands out.
 *
 * @param nodeId the node the process runs on
 * @param pid the process id on that node
 * @param reason why it is listed ({@link Reason#UNDEFINED} in member lists)
 */
public record CpgAddress(int nodeId, int pid, Reason reason) implements Comparable<CpgAddress> {
    public CpgAddress {
        if (reason == null) {
            throw new IllegalArgumentException("reason is required");
        }
    }

    /** A member list entry. */
    public static CpgAddress member(int nodeId, int pid) {
        return new CpgAddress(nodeId, pid, Reason.UNDEFINED);
    }

    @Override
    public int compareTo(CpgAddress o) {
        int c = Integer.compare(nodeId, o.nodeId);
        return c != 0 ? c : Integer.compare(pid, o.pid);
    }

    @Override
    public String toString() {
        return nodeId + "/" + pid + (reason == Reason.UNDEFINED ? "" : " " + reason);
    }
}
