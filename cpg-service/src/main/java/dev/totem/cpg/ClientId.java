package dev.totem.cpg;

/**
 * A local process as the CPG service of its node knows it: a pid-like number, unique on the node
 * while the process lives. Together with the node id it names a group member cluster-wide
 * ({@link CpgAddress}), as corosync's (nodeid, pid).
 *
 * @param pid the process id, positive
 */
public record ClientId(int pid) implements Comparable<ClientId> {
    public ClientId {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive, got " + pid);
        }
    }

    /** The client with this pid. */
    public static ClientId of(int pid) {
        return new ClientId(pid);
    }

    @Override
    public int compareTo(ClientId o) {
        return Integer.compare(pid, o.pid);
    }

    @Override
    public String toString() {
        return "pid " + pid;
    }
}
