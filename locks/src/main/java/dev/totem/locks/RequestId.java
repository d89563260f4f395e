package dev.totem.locks;

/**
 * One lock request, named cluster-wide: the requesting process (its node and pid, as CPG names
 * group members) and a number the process gives its requests, counting up from 1. Ordered by
 * (node, pid, seq), the order in which the table lists requests when it needs one.
 *
 * @param node the requesting process's node id
 * @param pid the requesting process's pid
 * @param seq the request's number in that process, positive
 */
public record RequestId(int node, int pid, long seq) implements Comparable<RequestId> {
    public RequestId {
        if (seq <= 0) {
            throw new IllegalArgumentException("seq must be positive, got " + seq);
        }
    }

    /** The process that made the request, as one {@code long} (node in the high half): see {@link #process(int, int)}. */
    public long process() {
        return process(node, pid);
    }

    /** Request {@code seq} of {@code process} ({@link #process(int, int)}). */
    public static RequestId of(long process, long seq) {
        return new RequestId((int) (process >>> 32), (int) process, seq);
    }

    /** A process (node, pid) as one {@code long}, node in the high half, so keys sort as (node, pid). */
    public static long process(int node, int pid) {
        return ((long) node << 32) | (pid & 0xffff_ffffL);
    }

    @Override
    public int compareTo(RequestId o) {
        int c = Integer.compare(node, o.node);
        if (c == 0) {
            c = Integer.compare(pid, o.pid);
        }
        return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
        return node + "/" + pid + "#" + seq;
    }
}
