package dev.totem.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.testkit.SeededCases;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded mutation fuzzing of the frame check. Each case makes a small corpus of valid frames (two
 * of each type) and mutates them many times into one reused buffer: truncate, flip bits, set bytes
 * and count fields to edge values, zero node ids, extend with garbage, splice two frames, and now
 * and then pass odd offsets and lengths. Half the time the header's frameLength is rewritten to
 * the new length so that mutations get past the length comparison to the deeper checks.
 *
 * <p>For every frame the checker calls OK, the frame is read completely, through a buffer whose
 * limit is the frame's end: every decoder and flyweight getter runs, and a read past the end
 * throws instead of reading a neighbour's bytes. Records must re-encode to the same bytes. Any
 * throwable fails the case, and {@link SeededCases} names the seed that replays it.
 *
 * <p>The checker is injected so that a test can show this harness catches a broken one.
 */
final class FrameFuzzHarness {
    /** The function under test; {@code Frames::check} in production. */
    @FunctionalInterface
    interface Checker {
        DecodeStatus check(ByteBuffer buf, int offset, int length);
    }

    private static final int[] COUNT_FIELDS = {24, 26, 28, 32, 34, 62};
    private static final int[] EDGE_COUNTS = {0, 1, 2, 127, 128, 129, 383, 384, 385, 0x7FFF, 0x8000, 0xFFFF};
    private static final byte[] EDGE_BYTES = {0, 1, 2, 5, 6, (byte) 0x7E, (byte) 0x70, (byte) 0x7F, (byte) 0x80, (byte) 0xFF};
    private static final int MAX_OFFSET = 64;

    private final Checker checker;
    private final byte[] scratch = new byte[MAX_OFFSET + 2 * (Frames.MAX_FRAME_LENGTH + 1)];
    private final ByteBuffer[] views = {ByteBuffer.wrap(scratch), ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN)};
    private final long[] counts = new long[DecodeStatus.values().length];
    private final OrfTokenFrame orf = new OrfTokenFrame();
    private final McastFrame mcast = new McastFrame();

    FrameFuzzHarness(Checker checker) {
        this.checker = checker;
    }

    /** Runs {@code cases} seeded cases of {@code mutations} mutated frames each. */
    FrameFuzzHarness run(long baseSeed, int cases, int mutations) {
        SeededCases.run(baseSeed, cases, (r, seed) -> {
            FrameType[] types = FrameType.values();
            byte[][] corpus = new byte[2 * types.length][];
            for (int i = 0; i < corpus.length; i++) {
                corpus[i] = validFrame(r, types[i % types.length]);
            }
            for (int i = 0; i < mutations; i++) {
                fuzzOne(r, corpus);
            }
        });
        return this;
    }

    /** How many frames got each status, over every run of this harness. */
    Map<DecodeStatus, Long> counts() {
        Map<DecodeStatus, Long> map = new EnumMap<>(DecodeStatus.class);
        for (DecodeStatus s : DecodeStatus.values()) {
            map.put(s, counts[s.ordinal()]);
        }
        return map;
    }

    private static byte[] validFrame(SplittableRandom r, FrameType type) {
        return switch (type) {
            case ORF_TOKEN -> RandomFrames.orfToken(r).encode();
            case MCAST -> RandomFrames.mcast(r).encode();
            case MERGE_DETECT -> RandomFrames.mergeDetect(r).encode();
            case JOIN -> RandomFrames.join(r).encode();
            case COMMIT_TOKEN -> RandomFrames.commit(r).encode();
            case TOKEN_HOLD_CANCEL -> RandomFrames.tokenHoldCancel(r).encode();
        };
    }

    private void fuzzOne(SplittableRandom r, byte[][] corpus) {
        byte[] base = corpus[r.nextInt(corpus.length)];
        int offset = r.nextInt(MAX_OFFSET);
        System.arraycopy(base, 0, scratch, offset, base.length);
        int length = base.length;
        for (int ops = 1 + r.nextInt(3); ops > 0; ops--) {
            length = mutate(r, corpus, offset, length);
        }
        if (r.nextBoolean() && length >= Frames.FRAME_LENGTH_OFFSET + 2) {
            putU16(offset + Frames.FRAME_LENGTH_OFFSET, length);
        }
        ByteBuffer view = views[r.nextInt(views.length)];
        view.limit(Math.min(scratch.length, offset + length + (r.nextInt(4) == 0 ? r.nextInt(64) : 0)));
        int argOffset = offset;
        int argLength = length;
        if (r.nextInt(32) == 0) {
            switch (r.nextInt(4)) {
                case 0 -> argLength = r.nextInt();
                case 1 -> argOffset = r.nextInt();
                case 2 -> argLength += r.nextInt(-8, 9);
                default -> argOffset += r.nextInt(-8, 9);
            }
        }
        DecodeStatus status = checker.check(view, argOffset, argLength);
        counts[status.ordinal()]++;
        if (status == DecodeStatus.OK) {
            view.limit(argOffset + argLength);
            readAll(view, argOffset, argLength);
        }
    }

    /** Applies one mutation to the frame at {@code offset}; returns its new length. */
    private int mutate(SplittableRandom r, byte[][] corpus, int offset, int length) {
        int at = offset + position(r, length);
        switch (r.nextInt(7)) {
            case 0 -> { // truncate, mostly by a little
                return r.nextBoolean() ? r.nextInt(length + 1) : Math.max(0, length - 1 - r.nextInt(16));
            }
            case 1 -> scratch[at] ^= (byte) (1 << r.nextInt(8));
            case 2 -> scratch[at] = r.nextBoolean() ? EDGE_BYTES[r.nextInt(EDGE_BYTES.length)] : (byte) r.nextInt();
            case 3 -> { // extend: a few fresh random bytes, then whatever earlier frames left in the buffer
                int extra = r.nextInt(8) == 0 ? r.nextInt(Frames.MAX_FRAME_LENGTH + 1) : 1 + r.nextInt(16);
                extra = Math.min(extra, scratch.length - offset - length);
                for (int i = 0; i < Math.min(extra, 16); i++) {
                    scratch[offset + length + i] = (byte) r.nextInt();
                }
                return length + extra;
            }
            case 4 -> { // splice: our head, another frame's tail
                byte[] other = corpus[r.nextInt(corpus.length)];
                int cut = r.nextInt(Math.min(length, scratch.length - offset - other.length) + 1);
                int from = r.nextInt(other.length + 1);
                System.arraycopy(other, from, scratch, offset + cut, other.length - from);
                return cut + other.length - from;
            }
            case 5 -> putU16(offset + COUNT_FIELDS[r.nextInt(COUNT_FIELDS.length)],
                    r.nextBoolean() ? EDGE_COUNTS[r.nextInt(EDGE_COUNTS.length)] : r.nextInt(0x10000));
            default -> { // zero a u32 where node ids live
                int word = offset + 4 * r.nextInt(Math.max(1, (length - 4) / 4 + 1));
                putU16(word, 0);
                putU16(word + 2, 0);
            }
        }
        return length;
    }

    /** A byte of the frame, half the time among the header and fixed fields. */
    private static int position(SplittableRandom r, int length) {
        if (length == 0) {
            return 0;
        }
        return r.nextInt(r.nextBoolean() ? Math.min(length, 72) : length);
    }

    private void putU16(int index, int value) {
        scratch[index] = (byte) (value >>> 8);
        scratch[index + 1] = (byte) value;
    }

    /** Reads every field the engine could read, and checks what must hold for a valid frame. */
    private void readAll(ByteBuffer buf, int offset, int length) {
        FrameType type = Frames.type(buf, offset);
        assertThat(Frames.frameLength(buf, offset)).isEqualTo(length);
        switch (type) {
            case ORF_TOKEN -> {
                OrfToken token = OrfToken.readFrom(orf.wrap(buf, offset));
                assertThat(token.encode()).isEqualTo(bytes(buf, offset, length));
            }
            case MCAST -> {
                McastFrame f = mcast.wrap(buf, offset);
                Mcast message = Mcast.readFrom(f);
                assertThat(f.payload().remaining()).isEqualTo(f.payloadLength());
                assertThat(message.encode()).isEqualTo(bytes(buf, offset, length));
                if (message.encapsulated()) {
                    assertThat(Frames.type(buf, f.payloadOffset())).isEqualTo(FrameType.MCAST);
                    Mcast.readFrom(mcast.wrap(buf, f.payloadOffset()));
                }
            }
            case MERGE_DETECT -> assertThat(MergeDetect.decode(buf, offset).encode()).isEqualTo(bytes(buf, offset, length));
            case JOIN -> assertThat(JoinMessage.decode(buf, offset).encode()).isEqualTo(bytes(buf, offset, length));
            case COMMIT_TOKEN -> assertThat(CommitToken.decode(buf, offset).encode()).isEqualTo(bytes(buf, offset, length));
            case TOKEN_HOLD_CANCEL -> assertThat(TokenHoldCancel.decode(buf, offset).encode())
                    .isEqualTo(bytes(buf, offset, length));
        }
    }

    private static byte[] bytes(ByteBuffer buf, int offset, int length) {
        byte[] copy = new byte[length];
        buf.get(offset, copy);
        return copy;
    }
}
