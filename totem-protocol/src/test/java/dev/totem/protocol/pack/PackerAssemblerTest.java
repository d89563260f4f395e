package dev.totem.protocol.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Guarantee;
import dev.totem.testkit.SeededCases;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackerAssemblerTest {
    private static final int HEADROOM = 40;

    private record Frame(byte[] bytes, Guarantee guarantee) {}

    /** What a sink was handed: kept as given, read only after the last frame. */
    private record Handed(byte[] bytes, int offset, int length) {
        byte[] copy() {
            return Arrays.copyOfRange(bytes, offset, offset + length);
        }
    }

    /**
     * Unpacks every frame, keeping what the sink was handed without copying it until the end:
     * a message handed out must stay intact while later frames are assembled.
     */
    private static List<byte[]> unpack(List<Frame> frames, Assembler assembler, int originator) {
        List<Handed> handed = new ArrayList<>();
        for (Frame f : frames) {
            assembler.accept(originator, ByteBuffer.wrap(f.bytes), HEADROOM, f.bytes.length - HEADROOM,
                    (o, b, off, len) -> handed.add(new Handed(b, off, len)));
        }
        List<byte[]> out = new ArrayList<>();
        handed.forEach(h -> out.add(h.copy()));
        return out;
    }

    @Test
    void aWholeMessageIsHandedOutInsideItsFrameWithoutACopy() {
        Packer packer = new Packer(HEADROOM, 1400);
        List<Frame> frames = new ArrayList<>();
        packer.add(new byte[] {4, 5, 6}, Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
        packer.flush((f, g) -> frames.add(new Frame(f, g)));
        List<Handed> handed = new ArrayList<>();
        byte[] frame = frames.get(0).bytes;
        new Assembler(1 << 20).accept(1, ByteBuffer.wrap(frame), HEADROOM, frame.length - HEADROOM,
                (o, b, off, len) -> handed.add(new Handed(b, off, len)));
        assertThat(handed).hasSize(1);
        assertThat(handed.get(0).bytes()).isSameAs(frame);
        assertThat(handed.get(0).copy()).containsExactly(4, 5, 6);
    }

    @Test
    void smallMessagesArePackedIntoOneFrameUntilFlushed() {
        Packer packer = new Packer(HEADROOM, 1400);
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            packer.add(new byte[] {(byte) i, 1, 2}, Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
        }
        assertThat(frames).isEmpty();
        assertThat(packer.hasOpenFrame()).isTrue();
        packer.flush((f, g) -> frames.add(new Frame(f, g)));
        assertThat(frames).hasSize(1);
        List<byte[]> msgs = unpack(frames, new Assembler(1 << 20), 7);
        assertThat(msgs).hasSize(10);
        assertThat(msgs.get(3)).containsExactly(3, 1, 2);
    }

    @Test
    void aGuaranteeChangeClosesTheOpenFrame() {
        Packer packer = new Packer(HEADROOM, 1400);
        List<Frame> frames = new ArrayList<>();
        packer.add(new byte[5], Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
        packer.add(new byte[5], Guarantee.SAFE, (f, g) -> frames.add(new Frame(f, g)));
        packer.flush((f, g) -> frames.add(new Frame(f, g)));
        assertThat(frames).extracting(Frame::guarantee).containsExactly(Guarantee.AGREED, Guarantee.SAFE);
    }

    @Test
    void aMessageThatDoesNotFitBeginsInTheRestOfTheOpenFrame() {
        Packer packer = new Packer(HEADROOM, 1400);
        List<Frame> frames = new ArrayList<>();
        packer.add(new byte[1000], Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
        packer.add(new byte[1000], Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
        packer.flush((f, g) -> frames.add(new Frame(f, g)));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).bytes.length - HEADROOM).as("the first frame is full").isEqualTo(1400);
        assertThat(unpack(frames, new Assembler(1 << 20), 1)).hasSize(2);
    }

    @Test
    void aRestTooSmallToBeWorthAReassemblyIsLeftEmpty() {
        int cap = 60_000;
        Packer packer = new Packer(HEADROOM, cap);
        List<Frame> frames = new ArrayList<>();
        int first = cap - PackedFormat.HEADER_BYTES - PackedFormat.LENGTH_BYTES * 2 - Packer.FILL_MIN_BYTES + 1;
        packer.add(new byte[first], Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
        packer.add(new byte[Packer.FILL_MIN_BYTES], Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
        packer.flush((f, g) -> frames.add(new Frame(f, g)));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).bytes.length - HEADROOM).isEqualTo(PackedFormat.HEADER_BYTES + PackedFormat.LENGTH_BYTES + first);
        assertThat(unpack(frames, new Assembler(1 << 20), 1)).hasSize(2);
    }

    @Test
    void messagesOfAnySizeSurviveThePackAndUnpackRoundTrip() {
        SeededCases.run(1000, 200, (r, seed) -> {
            int cap = 64 + r.nextInt(1500);
            Packer packer = new Packer(HEADROOM, cap);
            List<Frame> frames = new ArrayList<>();
            List<byte[]> sent = new ArrayList<>();
            int n = 1 + r.nextInt(40);
            for (int i = 0; i < n; i++) {
                int len = switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(4);
                    case 1 -> r.nextInt(cap * 3);
                    case 2 -> r.nextInt(100);
                    default -> r.nextInt(20_000);
                };
                byte[] m = new byte[len];
                for (int k = 0; k < len; k++) {
                    m[k] = (byte) r.nextInt();
                }
                sent.add(m);
                packer.add(m, Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
                if (r.nextInt(5) == 0) {
                    packer.flush((f, g) -> frames.add(new Frame(f, g)));
                }
            }
            packer.flush((f, g) -> frames.add(new Frame(f, g)));
            for (Frame f : frames) {
                assertThat(f.bytes.length - HEADROOM).isLessThanOrEqualTo(cap);
            }
            List<byte[]> got = unpack(frames, new Assembler(1 << 20), 1);
            assertThat(got).hasSameSizeAs(sent);
            for (int i = 0; i < sent.size(); i++) {
                assertThat(got.get(i)).as("message %d", i).isEqualTo(sent.get(i));
            }
        });
    }

    @Test
    void aMessageOfOneMebibyteIsSplitAndReassembled() {
        Packer packer = new Packer(HEADROOM, 1392);
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        int need = packer.framesNeeded(big.length);
        List<Frame> frames = new ArrayList<>();
        packer.add(big, Guarantee.SAFE, (f, g) -> frames.add(new Frame(f, g)));
        packer.flush((f, g) -> frames.add(new Frame(f, g)));
        assertThat(frames.size()).isLessThanOrEqualTo(need);
        List<byte[]> got = unpack(frames, new Assembler(1 << 20), 1);
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).isEqualTo(big);
    }

    @Test
    void aContinuationWhoseStartWasLostIsThrownAwayAndTheNextMessageSurvives() {
        Packer packer = new Packer(HEADROOM, 200);
        List<Frame> frames = new ArrayList<>();
        packer.add(new byte[500], Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
        packer.add(new byte[] {9}, Guarantee.AGREED, (f, g) -> frames.add(new Frame(f, g)));
        packer.flush((f, g) -> frames.add(new Frame(f, g)));
        assertThat(frames.size()).isGreaterThanOrEqualTo(3);
        Assembler assembler = new Assembler(1 << 20);
        List<byte[]> got = unpack(frames.subList(1, frames.size()), assembler, 1);
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).containsExactly(9);
        assertThat(assembler.discardedPieces()).isPositive();
    }

    @Test
    void interleavedSendersAreReassembledSeparately() {
        Packer a = new Packer(HEADROOM, 100);
        Packer b = new Packer(HEADROOM, 100);
        List<Frame> fa = new ArrayList<>();
        List<Frame> fb = new ArrayList<>();
        byte[] ma = new byte[333];
        byte[] mb = new byte[444];
        ma[0] = 1;
        mb[0] = 2;
        a.add(ma, Guarantee.AGREED, (f, g) -> fa.add(new Frame(f, g)));
        a.flush((f, g) -> fa.add(new Frame(f, g)));
        b.add(mb, Guarantee.AGREED, (f, g) -> fb.add(new Frame(f, g)));
        b.flush((f, g) -> fb.add(new Frame(f, g)));
        Assembler assembler = new Assembler(1 << 20);
        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < Math.max(fa.size(), fb.size()); i++) {
            if (i < fa.size()) {
                assembler.accept(1, ByteBuffer.wrap(fa.get(i).bytes), HEADROOM, fa.get(i).bytes.length - HEADROOM, (o, bytes, off, len) -> got.add(Arrays.copyOfRange(bytes, off, off + len)));
            }
            if (i < fb.size()) {
                assembler.accept(2, ByteBuffer.wrap(fb.get(i).bytes), HEADROOM, fb.get(i).bytes.length - HEADROOM, (o, bytes, off, len) -> got.add(Arrays.copyOfRange(bytes, off, off + len)));
            }
        }
        assertThat(got).hasSize(2);
        assertThat(got).anySatisfy(m -> assertThat(m).isEqualTo(ma));
        assertThat(got).anySatisfy(m -> assertThat(m).isEqualTo(mb));
    }

    @Test
    void malformedPayloadsAreCountedAndDropped() {
        Assembler assembler = new Assembler(1 << 20);
        List<byte[]> got = new ArrayList<>();
        SeededCases.run(77, 1, (r, seed) -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] junk = new byte[r.nextInt(64)];
                for (int k = 0; k < junk.length; k++) {
                    junk[k] = (byte) r.nextInt(4);
                }
                assembler.accept(1, ByteBuffer.wrap(junk), 0, junk.length, (o, bytes, off, len) -> got.add(Arrays.copyOfRange(bytes, off, off + len)));
            }
        });
        assertThat(assembler.malformedFrames()).isPositive();
    }
}
