package dev.totem.protocol.wire;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Test-only value of every field of an ORF token, written and read through {@link OrfTokenFrame}. */
record OrfToken(int sender, RingId ring, long tokenSeq, long seq, long aru, int aruAddr, int backlog, int fcc,
        boolean retransFlag, long[] rtr) {

    void writeTo(OrfTokenFrame f) {
        f.init(sender, rtr.length).ringId(ring).tokenSeq(tokenSeq).seq(seq).aru(aru).aruAddr(aruAddr)
                .backlog(backlog).fcc(fcc).retransFlag(retransFlag);
        for (int i = 0; i < rtr.length; i++) {
            f.rtrSeq(i, rtr[i]);
        }
    }

    static OrfToken readFrom(OrfTokenFrame f) {
        long[] rtr = new long[f.rtrCount()];
        for (int i = 0; i < rtr.length; i++) {
            rtr[i] = f.rtrSeq(i);
        }
        return new OrfToken(f.sender(), f.ringId(), f.tokenSeq(), f.seq(), f.aru(), f.aruAddr(), f.backlog(), f.fcc(),
                f.retransFlag(), rtr);
    }

    /** The frame written into a fresh array. */
    byte[] encode() {
        byte[] frame = new byte[OrfTokenFrame.length(rtr.length)];
        writeTo(new OrfTokenFrame().wrap(ByteBuffer.wrap(frame), 0));
        return frame;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OrfToken t && t.sender == sender && t.ring.equals(ring) && t.tokenSeq == tokenSeq
                && t.seq == seq && t.aru == aru && t.aruAddr == aruAddr && t.backlog == backlog && t.fcc == fcc
                && t.retransFlag == retransFlag && Arrays.equals(t.rtr, rtr);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Arrays.hashCode(rtr);
    }

    @Override
    public String toString() {
        return "OrfToken[sender=" + sender + ", ring=" + ring + ", tokenSeq=" + tokenSeq + ", seq=" + seq + ", aru=" + aru
                + ", aruAddr=" + aruAddr + ", backlog=" + backlog + ", fcc=" + fcc + ", retransFlag=" + retransFlag
                + ", rtr=" + Arrays.toString(rtr) + "]";
    }
}
