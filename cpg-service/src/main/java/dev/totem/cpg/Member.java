package dev.totem.cpg;

/** A process in the cluster-wide group table: the node it runs on and its pid there; ordered by node, then pid. */
record Member(int node, int pid) implements Comparable<Member> {
    @Override
    public int compareTo(Member o) {
        int c = Integer.compare(node, o.node);
        return c != 0 ? c : Integer.compare(pid, o.pid);
    }

    CpgAddress address(Reason reason) {
        return new CpgAddress(node, pid, reason);
    }
}
