package dev.totem.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.testkit.SeededCases;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every frame type survives encode, {@link Frames#check}, decode, with 10,000 seeded random values
 * each, placed at random offsets of buffers of either byte order.
 */
class FrameRoundTripTest {
    private static final int CASES = 10_000;

    @FunctionalInterface
    interface Decoder<T> {
        T decode(ByteBuffer buf, int offset);
    }

    @Test
    void orfTokenThroughFlyweight() {
        SeededCases.run(1_000_000, CASES, flyweightRoundTrip(FrameType.ORF_TOKEN, new OrfTokenFrame(), RandomFrames::orfToken,
                OrfToken::encode, OrfToken::readFrom, OrfToken::writeTo, (token, f) -> {}));
    }

    @Test
    void mcastThroughEncodeAndFlyweight() {
        SeededCases.run(2_000_000, CASES, flyweightRoundTrip(FrameType.MCAST, new McastFrame(), RandomFrames::mcast, Mcast::encode,
                Mcast::readFrom, Mcast::writeTo, (message, f) -> {
                    assertThat(f.payloadOffset()).isEqualTo(f.offset() + McastFrame.PAYLOAD_OFFSET);
                    assertThat(f.payload()).isEqualTo(ByteBuffer.wrap(message.payload()));
                    if (message.encapsulated()) {
                        assertThat(Frames.check(f.buffer(), f.payloadOffset(), f.payloadLength()))
                                .isEqualTo(DecodeStatus.OK);
                    }
                }));
    }

    @Test
    void mergeDetect() {
        SeededCases.run(3_000_000, CASES, roundTrip(FrameType.MERGE_DETECT, RandomFrames::mergeDetect, MergeDetect::encode, MergeDetect::decode));
    }

    @Test
    void join() {
        SeededCases.run(4_000_000, CASES, roundTrip(FrameType.JOIN, RandomFrames::join, JoinMessage::encode, JoinMessage::decode));
    }

    @Test
    void commitToken() {
        SeededCases.run(5_000_000, CASES, roundTrip(FrameType.COMMIT_TOKEN, RandomFrames::commit, CommitToken::encode, CommitToken::decode));
    }

    @Test
    void tokenHoldCancel() {
        SeededCases.run(6_000_000, CASES, roundTrip(FrameType.TOKEN_HOLD_CANCEL, RandomFrames::tokenHoldCancel, TokenHoldCancel::encode,
                TokenHoldCancel::decode));
    }

    /** The largest of each kind, built by hand so they are covered whatever the random draws. */
    @Test
    void boundaryFramesAtTheLimits() {
        SplittableRandom r = new SplittableRandom(7);
        int[] maxIds = new int[Frames.MAX_PROCESSORS];
        Arrays.fill(maxIds, -1);
        int[] maxMillis = new int[Frames.MAX_PROCESSORS];
        Arrays.fill(maxMillis, JoinMessage.HOLD_MILLIS_MAX);
        int[] maxExclusions = new int[Frames.MAX_PROCESSORS];
        Arrays.fill(maxExclusions, JoinMessage.EXCLUSIONS_MAX);
        JoinMessage join = new JoinMessage(-1, true, true, new RingId(-1, -1), maxIds, maxIds, maxIds, maxMillis, maxExclusions);
        assertRecord(r, join.encode(), FrameType.JOIN, JoinMessage::decode, join);

        int[] members = RandomFrames.ascendingNodeIds(r, Frames.MAX_PROCESSORS);
        members[members.length - 1] = -1;
        CommitEntry[] entries = new CommitEntry[members.length];
        Arrays.fill(entries, new CommitEntry(new RingId(-1, Long.MAX_VALUE), -1, Long.MIN_VALUE, true));
        CommitToken commit = new CommitToken(-1, new RingId(Integer.MIN_VALUE, -1), Long.MAX_VALUE, members.length,
                members, entries);
        assertRecord(r, commit.encode(), FrameType.COMMIT_TOKEN, CommitToken::decode, commit);

        long[] rtr = new long[Frames.MAX_RTR_ENTRIES];
        Arrays.fill(rtr, -1);
        OrfToken token = new OrfToken(-1, new RingId(-1, -1), -1, Long.MAX_VALUE, -1, -1, -1, -1, true, rtr);
        Placed placedToken = assertValid(r, token.encode(), FrameType.ORF_TOKEN);
        assertThat(OrfToken.readFrom(new OrfTokenFrame().wrap(placedToken.buf(), placedToken.offset())))
                .isEqualTo(token);

        Mcast largest = new Mcast(-1, new RingId(-1, -1), -1, -1, Guarantee.SAFE, false,
                RandomFrames.bytes(r, McastFrame.MAX_PAYLOAD_LENGTH));
        byte[] encoded = largest.encode();
        assertThat(encoded).hasSize(Frames.MAX_FRAME_LENGTH);
        Placed placedMcast = assertValid(r, encoded, FrameType.MCAST);
        assertThat(Mcast.readFrom(new McastFrame().wrap(placedMcast.buf(), placedMcast.offset())))
                .isEqualTo(largest);
    }

    /**
     * Test methods call {@link SeededCases#run} themselves (with these bodies) so that a failure's
     * replay command names the test method.
     *
     * <p>Encoded frames read back through the flyweight; and the flyweight's setters, writing over
     * garbage as into a reused buffer, produce the same bytes (so init leaves none of it behind).
     */
    private static <V, F extends FrameFlyweight<F>> SeededCases.Case flyweightRoundTrip(FrameType type, F flyweight,
            Function<SplittableRandom, V> generate, Function<V, byte[]> encode, Function<F, V> read,
            BiConsumer<V, F> write, BiConsumer<V, F> moreChecks) {
        return (r, seed) -> {
            V value = generate.apply(r);
            byte[] encoded = encode.apply(value);
            Placed placed = assertValid(r, encoded, type);
            assertThat(read.apply(flyweight.wrap(placed.buf(), placed.offset()))).isEqualTo(value);
            moreChecks.accept(value, flyweight);
            Placed reused = Placed.garbage(r, encoded.length);
            write.accept(value, flyweight.wrap(reused.buf(), reused.offset()));
            assertThat(reused.bytes()).isEqualTo(encoded);
        };
    }

    /** Encode, check, decode gives the value back, and encoding that gives the same bytes. */
    private static <T> SeededCases.Case roundTrip(FrameType type, Function<SplittableRandom, T> generate,
            Function<T, byte[]> encode, Decoder<T> decoder) {
        return (r, seed) -> {
            T value = generate.apply(r);
            byte[] encoded = encode.apply(value);
            T decoded = assertRecord(r, encoded, type, decoder, value);
            assertThat(encode.apply(decoded)).isEqualTo(encoded);
        };
    }

    private static <T> T assertRecord(SplittableRandom r, byte[] encoded, FrameType type, Decoder<T> decoder, T expected) {
        Placed placed = assertValid(r, encoded, type);
        T decoded = decoder.decode(placed.buf(), placed.offset());
        assertThat(decoded).isEqualTo(expected);
        return decoded;
    }

    /** Places the frame randomly and asserts it checks OK with the header telling type and length. */
    private static Placed assertValid(SplittableRandom r, byte[] encoded, FrameType type) {
        Placed placed = Placed.randomly(r, encoded);
        assertThat(placed.check()).isEqualTo(DecodeStatus.OK);
        assertThat(Frames.type(placed.buf(), placed.offset())).isEqualTo(type);
        assertThat(Frames.frameLength(placed.buf(), placed.offset())).isEqualTo(encoded.length);
        return placed;
    }
}
