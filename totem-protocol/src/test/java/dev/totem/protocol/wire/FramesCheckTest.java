package dev.totem.protocol.wire;

import static dev.totem.protocol.wire.DecodeStatus.BAD_FIELD;
import static dev.totem.protocol.wire.DecodeStatus.BAD_MAGIC;
import static dev.totem.protocol.wire.DecodeStatus.COUNT_OVER_LIMIT;
import static dev.totem.protocol.wire.DecodeStatus.LENGTH_MISMATCH;
import static dev.totem.protocol.wire.DecodeStatus.OK;
import static dev.totem.protocol.wire.DecodeStatus.OVERSIZED;
import static dev.totem.protocol.wire.DecodeStatus.TRUNCATED;
import static dev.totem.protocol.wire.DecodeStatus.UNKNOWN_TYPE;
import static dev.totem.protocol.wire.DecodeStatus.UNKNOWN_VERSION;
import static dev.totem.protocol.wire.HandMadeFrames.commitToken;
import static dev.totem.protocol.wire.HandMadeFrames.entryOffset;
import static dev.totem.protocol.wire.HandMadeFrames.join;
import static dev.totem.protocol.wire.HandMadeFrames.mcast;
import static dev.totem.protocol.wire.HandMadeFrames.mergeDetect;
import static dev.totem.protocol.wire.HandMadeFrames.orfToken;
import static dev.totem.protocol.wire.HandMadeFrames.tokenHoldCancel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rejection kind of {@link Frames#check}, with frames made by hand from the layout tables. */
class FramesCheckTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                arguments("ORF token, no retransmit requests", orfToken(0)),
                arguments("ORF token, 128 retransmit requests", orfToken(128)),
                arguments("ORF token, retransFlag 1", orfToken(0).u16(60, 1)),
                arguments("ORF token, aruAddr 0 (nobody behind)", orfToken(0).u32(48, 0)),
                arguments("MCAST, empty payload", mcast(0)),
                arguments("MCAST, safe, garbage payload", mcast(5).u8(36, 1).u32(40, -1)),
                arguments("MCAST encapsulating a plain MCAST", mcast(43).u8(37, 1).bytes(40, mcast(3).bytes())),
                arguments("MERGE_DETECT", mergeDetect()),
                arguments("TOKEN_HOLD_CANCEL", tokenHoldCancel()),
                arguments("JOIN, empty lists, ring 0:0", join(0, 0)),
                arguments("JOIN, 384 + 384 ids", join(384, 384)),
                arguments("JOIN with LEAVE", join(1, 1).u16(4, Frames.FLAG_LEAVE)),
                arguments("JOIN with BOOT", join(1, 1).u16(4, Frames.FLAG_BOOT)),
                arguments("JOIN with LEAVE and BOOT", join(1, 1).u16(4, Frames.FLAG_LEAVE | Frames.FLAG_BOOT)),
                arguments("JOIN holding 2 off", join(2, 2, 2)),
                arguments("JOIN 384 + 384 ids, 384 held", join(384, 384, 384)),
                arguments("COMMIT_TOKEN, one member", commitToken(1)),
                arguments("COMMIT_TOKEN, 384 members, membIndex = N", commitToken(384).u16(34, 384)),
                arguments("COMMIT_TOKEN, members ascending as u32", commitToken(2).u32(36, 0x7FFF_FFFF).u32(40, 0x8000_0000)),
                arguments("COMMIT_TOKEN, 0xFFFFFFFF last", commitToken(2).u32(40, -1)),
                arguments("COMMIT_TOKEN, filled entry", commitToken(1).u32(entryOffset(1, 0), 3).u64(entryOffset(1, 0) + 4, 2)
                        .u64(entryOffset(1, 0) + 12, -1).u64(entryOffset(1, 0) + 20, -1).u32(entryOffset(1, 0) + 28, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptsValidFrames(String name, RawFrame frame) {
        assertThat(frame.check()).isEqualTo(OK);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                // TRUNCATED: shorter than a header, or than the type's fixed part
                arguments("empty", RawFrame.of(0), TRUNCATED),
                arguments("11 bytes of header", RawFrame.of(11).bytes(0, Arrays.copyOf(mergeDetect().u16(6, 11).bytes(), 11)), TRUNCATED),
                arguments("ORF token of 40 bytes", RawFrame.withRing(FrameType.ORF_TOKEN, 40, 7, 1, 5), TRUNCATED),
                arguments("MCAST of 39 bytes", RawFrame.withRing(FrameType.MCAST, 39, 7, 1, 5), TRUNCATED),
                arguments("MERGE_DETECT of 23 bytes", RawFrame.header(FrameType.MERGE_DETECT, 23, 7), TRUNCATED),
                arguments("JOIN of 31 bytes", RawFrame.header(FrameType.JOIN, 31, 7), TRUNCATED),
                arguments("COMMIT_TOKEN of 35 bytes", RawFrame.withRing(FrameType.COMMIT_TOKEN, 35, 7, 1, 5), TRUNCATED),
                // OVERSIZED
                arguments("65536 bytes", mcast(65536 - 40).u16(6, 0), OVERSIZED),
                // BAD_MAGIC
                arguments("corosync's magic 0xC070", mergeDetect().u16(0, 0xC070), BAD_MAGIC),
                arguments("our magic byte-swapped", mergeDetect().u16(0, 0x707E), BAD_MAGIC),
                arguments("zero magic", mergeDetect().u16(0, 0), BAD_MAGIC),
                // UNKNOWN_VERSION
                arguments("version 0", mergeDetect().u8(2, 0), UNKNOWN_VERSION),
                arguments("version 1, an earlier build's", mergeDetect().u8(2, 1), UNKNOWN_VERSION),
                arguments("version 3", mergeDetect().u8(2, 3), UNKNOWN_VERSION),
                arguments("version 255", mergeDetect().u8(2, 255), UNKNOWN_VERSION),
                // UNKNOWN_TYPE
                arguments("type 6", mergeDetect().u8(3, 6), UNKNOWN_TYPE),
                arguments("type 255", mergeDetect().u8(3, 255), UNKNOWN_TYPE),
                // LENGTH_MISMATCH
                arguments("frameLength 25 on 24 bytes", mergeDetect().u16(6, 25), LENGTH_MISMATCH),
                arguments("frameLength 12 on 24 bytes", mergeDetect().u16(6, 12), LENGTH_MISMATCH),
                arguments("MERGE_DETECT of 28 bytes", RawFrame.withRing(FrameType.MERGE_DETECT, 28, 7, 1, 5), LENGTH_MISMATCH),
                arguments("TOKEN_HOLD_CANCEL of 25 bytes", RawFrame.withRing(FrameType.TOKEN_HOLD_CANCEL, 25, 7, 1, 5), LENGTH_MISMATCH),
                arguments("ORF rtrCount 2 in a frame for 1", orfToken(1).u16(62, 2), LENGTH_MISMATCH),
                arguments("ORF rtrCount 0 in a frame for 1", orfToken(1).u16(62, 0), LENGTH_MISMATCH),
                arguments("JOIN counts 1 + 2 in a frame for 1 + 1", join(1, 1).u16(26, 2), LENGTH_MISMATCH),
                arguments("JOIN counts 1 held in a frame for none", join(1, 1).u16(28, 1), LENGTH_MISMATCH),
                arguments("COMMIT memberCount 2 in a frame for 1", commitToken(1).u16(32, 2), LENGTH_MISMATCH),
                // COUNT_OVER_LIMIT
                arguments("ORF 129 retransmit requests", orfToken(129), COUNT_OVER_LIMIT),
                arguments("ORF rtrCount 0xFFFF", orfToken(0).u16(62, 0xFFFF), COUNT_OVER_LIMIT),
                arguments("JOIN 385 processors", join(385, 0), COUNT_OVER_LIMIT),
                arguments("JOIN 385 failed", join(0, 385), COUNT_OVER_LIMIT),
                arguments("JOIN 385 held", join(0, 0, 385), COUNT_OVER_LIMIT),
                arguments("COMMIT 385 members", commitToken(385), COUNT_OVER_LIMIT),
                // BAD_FIELD: header
                arguments("unknown flag bit 2", join(0, 0).u16(4, 4), BAD_FIELD),
                arguments("unknown flag bit 15", join(0, 0).u16(4, 0x8000), BAD_FIELD),
                arguments("LEAVE on an ORF token", orfToken(0).u16(4, Frames.FLAG_LEAVE), BAD_FIELD),
                arguments("LEAVE on an MCAST", mcast(0).u16(4, Frames.FLAG_LEAVE), BAD_FIELD),
                arguments("BOOT on an ORF token", orfToken(0).u16(4, Frames.FLAG_BOOT), BAD_FIELD),
                arguments("sender 0", mergeDetect().u32(8, 0), BAD_FIELD),
                // BAD_FIELD: ring rep 0 where the frame belongs to a formed ring
                arguments("ORF token of ring rep 0", orfToken(0).u32(12, 0), BAD_FIELD),
                arguments("MCAST of ring rep 0", mcast(0).u32(12, 0), BAD_FIELD),
                arguments("MERGE_DETECT of ring rep 0", mergeDetect().u32(12, 0), BAD_FIELD),
                arguments("TOKEN_HOLD_CANCEL of ring rep 0", tokenHoldCancel().u32(12, 0), BAD_FIELD),
                arguments("COMMIT_TOKEN for ring rep 0", commitToken(1).u32(12, 0), BAD_FIELD),
                // BAD_FIELD: ORF
                arguments("ORF retransFlag 2", orfToken(0).u16(60, 2), BAD_FIELD),
                arguments("ORF retransFlag 0x100", orfToken(0).u16(60, 0x100), BAD_FIELD),
                // BAD_FIELD: MCAST
                arguments("MCAST guarantee 2", mcast(0).u8(36, 2), BAD_FIELD),
                arguments("MCAST encapsulated 2", mcast(0).u8(37, 2), BAD_FIELD),
                arguments("MCAST reserved 0x0001", mcast(0).u16(38, 1), BAD_FIELD),
                arguments("MCAST reserved 0x0100", mcast(0).u16(38, 0x100), BAD_FIELD),
                arguments("MCAST originator 0", mcast(0).u32(32, 0), BAD_FIELD),
                arguments("MCAST encapsulating nothing", mcast(0).u8(37, 1), BAD_FIELD),
                arguments("MCAST encapsulating 39 bytes", mcast(39).u8(37, 1), BAD_FIELD),
                arguments("MCAST encapsulating an ORF token", mcast(64).u8(37, 1).bytes(40, orfToken(0).bytes()), BAD_FIELD),
                arguments("MCAST encapsulating an invalid MCAST", mcast(40).u8(37, 1).bytes(40, mcast(0).u32(32, 0).bytes()), BAD_FIELD),
                arguments("MCAST encapsulating an MCAST with extra bytes", mcast(41).u8(37, 1).bytes(40, mcast(0).bytes()), BAD_FIELD),
                arguments("MCAST encapsulated twice", mcast(80).u8(37, 1).bytes(40, mcast(40).u8(37, 1).bytes(40, mcast(0).bytes()).bytes()), BAD_FIELD),
                // BAD_FIELD: JOIN
                arguments("JOIN proc id 0", join(2, 1).u32(36, 0), BAD_FIELD),
                arguments("JOIN failed id 0", join(2, 1).u32(40, 0), BAD_FIELD),
                arguments("JOIN held id 0", join(2, 1, 2).u32(56, 0), BAD_FIELD),
                arguments("JOIN held for 0 ms", join(2, 1, 2).u32(48, 0), BAD_FIELD),
                arguments("JOIN held for over an hour", join(2, 1, 2).u32(60, 3_600_001), BAD_FIELD),
                arguments("JOIN held after 1 exclusion", join(2, 1, 2).u16(52, 1), BAD_FIELD),
                arguments("JOIN held entry's reserved field set", join(2, 1, 2).u16(66, 1), BAD_FIELD),
                arguments("JOIN reserved field set", join(2, 1).u16(30, 1), BAD_FIELD),
                // BAD_FIELD: COMMIT_TOKEN
                arguments("COMMIT no members", commitToken(0), BAD_FIELD),
                arguments("COMMIT membIndex N + 1", commitToken(2).u16(34, 3), BAD_FIELD),
                arguments("COMMIT member id 0", commitToken(2).u32(36, 0), BAD_FIELD),
                arguments("COMMIT members equal", commitToken(2).u32(40, 1), BAD_FIELD),
                arguments("COMMIT members descending", commitToken(2).u32(36, 3), BAD_FIELD),
                arguments("COMMIT 0xFFFFFFFF before 1 (u32 order)", commitToken(2).u32(36, -1).u32(40, 1), BAD_FIELD),
                arguments("COMMIT receivedFlag 2", commitToken(2).u32(entryOffset(2, 1) + 28, 2), BAD_FIELD),
                arguments("COMMIT receivedFlag 0x100", commitToken(2).u32(entryOffset(2, 0) + 28, 0x100), BAD_FIELD));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("rejected")
    void rejects(String name, RawFrame frame, DecodeStatus expected) {
        assertThat(frame.check()).isEqualTo(expected);
    }

    @Test
    void everyRejectionKindHasAHandMadeCase() {
        Set<DecodeStatus> covered = rejected().map(a -> (DecodeStatus) a.get()[2]).collect(Collectors.toSet());
        assertThat(covered).isEqualTo(EnumSet.complementOf(EnumSet.of(OK)));
    }

    /** Arguments that do not describe a region of the buffer: no exception, just a status. */
    @Test
    void regionsOutsideTheBufferAreTruncatedAndNeverThrow() {
        ByteBuffer buf = ByteBuffer.wrap(mergeDetect().bytes());
        assertThat(Frames.check(null, 0, 24)).isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf, 0, -1)).isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf, 0, Integer.MIN_VALUE)).isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf, -1, 24)).isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf, Integer.MIN_VALUE, 24)).isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf, 1, 24)).isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf, 24, 24)).isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf, Integer.MAX_VALUE, 24)).isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf, 0, 25)).isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf.limit(23), 0, 24)).as("past the limit, inside the capacity").isEqualTo(TRUNCATED);
        assertThat(Frames.check(buf, 0, Frames.MAX_FRAME_LENGTH + 1)).isEqualTo(OVERSIZED);
        assertThat(Frames.check(buf, 0, Integer.MAX_VALUE)).isEqualTo(OVERSIZED);
    }

    @Test
    void aFrameInsideALargerBufferIsCheckedAtItsOffset() {
        byte[] frame = join(2, 1).bytes();
        byte[] larger = new byte[frame.length + 10];
        Arrays.fill(larger, (byte) 0xEE);
        System.arraycopy(frame, 0, larger, 5, frame.length);
        ByteBuffer buf = ByteBuffer.wrap(larger);
        assertThat(Frames.check(buf, 5, frame.length)).isEqualTo(OK);
        assertThat(Frames.check(buf, 5, frame.length + 1)).isEqualTo(LENGTH_MISMATCH);
        assertThat(Frames.check(buf, 4, frame.length)).isEqualTo(BAD_MAGIC);
        assertThat(List.of(Frames.type(buf, 5), Frames.sender(buf, 5), Frames.frameLength(buf, 5)))
                .containsExactly(FrameType.JOIN, HandMadeFrames.SENDER, frame.length);
    }
}
