package dev.totem.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The edges of the public API: codes, refusals to encode invalid frames, flyweight limits. */
class FrameApiTest {
    private static final RingId RING = new RingId(1, 5);

    @Test
    void frameTypeCodes() {
        assertThat(Arrays.stream(FrameType.values()).mapToInt(FrameType::code)).containsExactly(0, 1, 2, 3, 4, 5);
        for (FrameType type : FrameType.values()) {
            assertThat(FrameType.ofCode(type.code())).isSameAs(type);
        }
        assertThat(FrameType.ofCode(-1)).isNull();
        assertThat(FrameType.ofCode(6)).isNull();
        assertThat(FrameType.ofCode(256)).isNull();
    }

    @Test
    void encodersRefuseFramesTheCheckWouldReject() {
        assertThatThrownBy(() -> new MergeDetect(0, RING).encode()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BAD_FIELD");
        assertThatThrownBy(() -> new TokenHoldCancel(2, RingId.NONE).encode()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JoinMessage(2, false, RING, new int[] {3, 0}, new int[0]).encode())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JoinMessage(2, false, RING, new int[Frames.MAX_PROCESSORS + 1], new int[0]).encode())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("COUNT_OVER_LIMIT");
        CommitEntry[] two = {CommitEntry.UNFILLED, CommitEntry.UNFILLED};
        assertThatThrownBy(() -> new CommitToken(2, RING, 0, 0, new int[] {5, 4}, two).encode())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommitToken(2, RING, 0, 3, new int[] {4, 5}, two).encode())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommitToken(2, RING, 0, 0, new int[0], new CommitEntry[0]).encode())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommitToken(2, RING, 0, 0, new int[] {4}, two))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> McastFrame.encode(2, RING, 1, 0, Guarantee.AGREED, false, new byte[0], 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> McastFrame.encode(2, RING, 1, 3, Guarantee.AGREED, true, new byte[40], 0, 40))
                .as("encapsulated payload that is no frame").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> McastFrame.encode(2, RING, 1, 3, Guarantee.AGREED, false, new byte[4], 2, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> McastFrame.encode(2, RING, 1, 3, Guarantee.AGREED, false,
                new byte[McastFrame.MAX_PAYLOAD_LENGTH + 1], 0, McastFrame.MAX_PAYLOAD_LENGTH + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodersRefuseAnotherType() {
        ByteBuffer merge = ByteBuffer.wrap(new MergeDetect(2, RING).encode());
        assertThatThrownBy(() -> TokenHoldCancel.decode(merge, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TOKEN_HOLD_CANCEL").hasMessageContaining("MERGE_DETECT");
        assertThatThrownBy(() -> JoinMessage.decode(merge, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommitToken.decode(merge, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(MergeDetect.decode(merge, 0)).isEqualTo(new MergeDetect(2, RING));
    }

    @Test
    void writeHeaderChecksRanges() {
        ByteBuffer buf = ByteBuffer.allocate(24);
        assertThatThrownBy(() -> Frames.writeHeader(buf, 0, FrameType.JOIN, 0, 11, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.writeHeader(buf, 0, FrameType.JOIN, 0, 65536, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.writeHeader(buf, 0, FrameType.JOIN, 0x10000, 24, 1)).isInstanceOf(IllegalArgumentException.class);
        Frames.writeHeader(buf, 0, FrameType.TOKEN_HOLD_CANCEL, 0, 24, -1);
        assertThat(Frames.type(buf, 0)).isEqualTo(FrameType.TOKEN_HOLD_CANCEL);
        assertThat(Frames.sender(buf, 0)).isEqualTo(-1);
        assertThat(Frames.frameLength(buf, 0)).isEqualTo(24);
        assertThat(Frames.check(buf, 0, 24)).as("ring rep still 0").isEqualTo(DecodeStatus.BAD_FIELD);
    }

    @Test
    void orfTokenListCanShrinkInPlace() {
        ByteBuffer buf = ByteBuffer.allocate(OrfTokenFrame.length(3));
        OrfTokenFrame token = new OrfTokenFrame();
        assertThat(token.wrap(buf, 0)).isSameAs(token);
        token.init(4, 3).ringId(RING).rtrSeq(0, 10).rtrSeq(1, 11).rtrSeq(2, 12);
        assertThat(Frames.check(buf, 0, OrfTokenFrame.length(3))).isEqualTo(DecodeStatus.OK);

        token.rtrCount(1);
        assertThat(token.frameLength()).isEqualTo(OrfTokenFrame.length(1));
        assertThat(Frames.check(buf, 0, OrfTokenFrame.length(1))).isEqualTo(DecodeStatus.OK);
        assertThat(token.rtrSeq(0)).isEqualTo(10);
        assertThatThrownBy(() -> token.rtrSeq(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> token.rtrSeq(-1, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> token.rtrCount(Frames.MAX_RTR_ENTRIES + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> token.init(4, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mcastPayloadIsAViewNotACopy() {
        byte[] frame = McastFrame.encode(2, RING, 7, 3, Guarantee.SAFE, false, new byte[] {1, 2, 3}, 0, 3);
        byte[] inLargerBuffer = new byte[frame.length + 9];
        System.arraycopy(frame, 0, inLargerBuffer, 4, frame.length);
        McastFrame message = new McastFrame().wrap(ByteBuffer.wrap(inLargerBuffer), 4);

        ByteBuffer payload = message.payload();
        assertThat(payload.position()).isZero();
        assertThat(payload.remaining()).isEqualTo(3);
        inLargerBuffer[message.payloadOffset()] = 9;
        assertThat(payload.get(0)).isEqualTo((byte) 9);
        assertThat(message.copyPayload()).containsExactly(9, 2, 3);
        assertThat(message.payloadOffset()).isEqualTo(4 + McastFrame.PAYLOAD_OFFSET);
        assertThatThrownBy(() -> message.payload(new byte[2], 0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> message.init(2, McastFrame.MAX_PAYLOAD_LENGTH + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsCompareArraysByContent() {
        JoinMessage a = new JoinMessage(2, false, RING, new int[] {1, 2}, new int[] {3});
        JoinMessage b = new JoinMessage(2, false, RING, new int[] {1, 2}, new int[] {3});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(new JoinMessage(2, true, RING, a.procList(), a.failedList()));
        assertThat(a.toString()).contains("[1, 2]", "[3]");

        CommitToken c = new CommitToken(2, RING, 9, 0, new int[] {1}, new CommitEntry[] {CommitEntry.UNFILLED});
        CommitToken d = new CommitToken(2, RING, 9, 0, new int[] {1}, new CommitEntry[] {new CommitEntry(RingId.NONE, 0, 0, false)});
        assertThat(c).isEqualTo(d).hasSameHashCodeAs(d).isNotEqualTo(new CommitToken(2, RING, 10, 0, c.members(), c.entries()));
        assertThat(c.toString()).contains("members=[1]", "CommitEntry[oldRing=0:0");
    }
}
