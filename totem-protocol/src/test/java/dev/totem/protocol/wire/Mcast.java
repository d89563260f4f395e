package dev.totem.protocol.wire;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import java.util.Arrays;

/** Test-only value of every field of an MCAST frame, written and read through {@link McastFrame}. */
record Mcast(int sender, RingId ring, long seq, int originator, Guarantee guarantee, boolean encapsulated,
        byte[] payload) {

    /** Through the static convenience encoder. */
    byte[] encode() {
        return McastFrame.encode(sender, ring, seq, originator, guarantee, encapsulated, payload, 0, payload.length);
    }

    /** Through the flyweight's setters. */
    void writeTo(McastFrame f) {
        f.init(sender, payload.length).ringId(ring).seq(seq).originator(originator).guarantee(guarantee)
                .encapsulated(encapsulated).payload(payload, 0, payload.length);
    }

    static Mcast readFrom(McastFrame f) {
        return new Mcast(f.sender(), f.ringId(), f.seq(), f.originator(), f.guarantee(), f.encapsulated(),
                f.copyPayload());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mcast m && m.sender == sender && m.ring.equals(ring) && m.seq == seq
                && m.originator == originator && m.guarantee == guarantee && m.encapsulated == encapsulated
                && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Mcast[sender=" + sender + ", ring=" + ring + ", seq=" + seq + ", originator=" + originator + ", "
                + guarantee + (encapsulated ? ", encapsulated" : "") + ", " + payload.length + " B]";
    }
}
