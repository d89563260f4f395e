package dev.totem.protocol.api;

/**
 * Identity of one ring: the representative's node id and the ring sequence number.
 * Ordered by seq, then rep, so that a newer ring compares greater.
 *
 * @param rep node id of the representative (the lowest node id of the ring)
 * @param seq ring sequence number, persisted and increasing
 */
public record RingId(int rep, long seq) implements Comparable<RingId> {
    /** The ring a node is in before it ever formed one. */
    public static final RingId NONE = new RingId(0, 0);

    @Override
    public int compareTo(RingId o) {
        int c = Long.compare(seq, o.seq);
        return c != 0 ? c : Integer.compare(rep, o.rep);
    }

    /**
     * Field by field, as the record's own would be: written out because the engine compares ring
     * ids on every input (its invariant checks) and the generated one showed in profiles.
     */
    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof RingId r && r.rep == rep && r.seq == seq);
    }

    @Override
    public int hashCode() {
        return 31 * rep + Long.hashCode(seq);
    }

    /** The trace spelling "rep:seq". */
    @Override
    public String toString() {
        return rep + ":" + seq;
    }
}
