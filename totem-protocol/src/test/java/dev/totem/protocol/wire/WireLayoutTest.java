package dev.totem.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The bytes each encoder writes equal the layout tables (README and class docs) field by field,
 * with values whose bytes all differ, so a field at a wrong offset or in a wrong order shows.
 */
class WireLayoutTest {
    private static final int SENDER = 0x0A0B0C0D;
    private static final int REP = 0x11121314;
    private static final long RING_SEQ = 0x2122232425262728L;
    private static final RingId RING = new RingId(REP, RING_SEQ);

    @Test
    void headerAndRingIdAreBigEndianAtFixedOffsets() {
        assertThat(HexFormat.of().formatHex(new MergeDetect(SENDER, RING).encode()))
                .isEqualTo("7e70" + "02" + "02" + "0000" + "0018" + "0a0b0c0d" + "11121314" + "2122232425262728");
    }

    @Test
    void orfToken() {
        OrfToken token = new OrfToken(SENDER, RING, 0x3132333435363738L, 0x4142434445464748L, 0x5152535455565758L,
                0x61626364, 0x71727374, 0x01020304, true, new long[] {0x8182838485868788L, -2});
        byte[] expected = RawFrame.withRing(FrameType.ORF_TOKEN, 80, SENDER, REP, RING_SEQ)
                .u64(24, 0x3132333435363738L).u64(32, 0x4142434445464748L).u64(40, 0x5152535455565758L)
                .u32(48, 0x61626364).u32(52, 0x71727374).u32(56, 0x01020304).u16(60, 1).u16(62, 2)
                .u64(64, 0x8182838485868788L).u64(72, -2).bytes();
        assertThat(token.encode()).isEqualTo(expected);
    }

    @Test
    void mcast() {
        byte[] frame = McastFrame.encode(SENDER, RING, 0x3132333435363738L, 0x41424344, Guarantee.SAFE, false,
                new byte[] {9, 1, 2, 3, 9}, 1, 3);
        byte[] expected = RawFrame.withRing(FrameType.MCAST, 43, SENDER, REP, RING_SEQ).u64(24, 0x3132333435363738L)
                .u32(32, 0x41424344).u8(36, 1).u8(37, 0).u16(38, 0).bytes(40, new byte[] {1, 2, 3}).bytes();
        assertThat(frame).isEqualTo(expected);
    }

    @Test
    void mcastEncapsulatingAnOldRingMessage() {
        byte[] old = McastFrame.encode(SENDER, RING, 1, SENDER, Guarantee.AGREED, false, new byte[0], 0, 0);
        byte[] frame = McastFrame.encode(SENDER, new RingId(REP, RING_SEQ + 4), 2, SENDER, Guarantee.AGREED, true, old, 0,
                old.length);
        byte[] expected = RawFrame.withRing(FrameType.MCAST, 80, SENDER, REP, RING_SEQ + 4).u64(24, 2).u32(32, SENDER)
                .u8(37, 1).bytes(40, old).bytes();
        assertThat(frame).isEqualTo(expected);
    }

    @Test
    void mergeDetectAndTokenHoldCancel() {
        assertThat(new MergeDetect(SENDER, RING).encode())
                .isEqualTo(RawFrame.withRing(FrameType.MERGE_DETECT, 24, SENDER, REP, RING_SEQ).bytes());
        assertThat(new TokenHoldCancel(SENDER, RING).encode())
                .isEqualTo(RawFrame.withRing(FrameType.TOKEN_HOLD_CANCEL, 24, SENDER, REP, RING_SEQ).bytes());
    }

    @Test
    void joinWithLeave() {
        byte[] frame = new JoinMessage(SENDER, true, RING, new int[] {0x31323334, -1}, new int[] {0x41424344}).encode();
        byte[] expected = RawFrame.withRing(FrameType.JOIN, 44, SENDER, REP, RING_SEQ).u16(4, 1).u16(24, 2).u16(26, 1)
                .u32(32, 0x31323334).u32(36, -1).u32(40, 0x41424344).bytes();
        assertThat(frame).isEqualTo(expected);
    }

    @Test
    void joinWithHoldsFromABootingNode() {
        byte[] frame = new JoinMessage(SENDER, false, true, RING, new int[] {7}, new int[] {0x41424344}, new int[] {0x41424344},
                new int[] {JoinMessage.HOLD_MILLIS_MAX}, new int[] {0xFFFF}).encode();
        byte[] expected = RawFrame.withRing(FrameType.JOIN, 52, SENDER, REP, RING_SEQ).u16(4, 2).u16(24, 1).u16(26, 1).u16(28, 1)
                .u32(32, 7).u32(36, 0x41424344).u32(40, 0x41424344).u32(44, 3_600_000).u16(48, 0xFFFF).bytes();
        assertThat(frame).isEqualTo(expected);
    }

    @Test
    void commitToken() {
        CommitEntry filled = new CommitEntry(new RingId(0x51525354, 0x6162636465666768L), 0x7172737475767778L, -1, true);
        byte[] frame = new CommitToken(SENDER, RING, 0x3132333435363738L, 1, new int[] {0x41424344, -1},
                new CommitEntry[] {filled, CommitEntry.UNFILLED}).encode();
        byte[] expected = RawFrame.withRing(FrameType.COMMIT_TOKEN, 108, SENDER, REP, RING_SEQ)
                .u64(24, 0x3132333435363738L).u16(32, 2).u16(34, 1).u32(36, 0x41424344).u32(40, -1)
                .u32(44, 0x51525354).u64(48, 0x6162636465666768L).u64(56, 0x7172737475767778L).u64(64, -1).u32(72, 1)
                .bytes();
        assertThat(frame).isEqualTo(expected);
    }
}
