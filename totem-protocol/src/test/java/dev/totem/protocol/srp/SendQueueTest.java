package dev.totem.protocol.srp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.pack.Assembler;
import dev.totem.protocol.pack.Packer;
import dev.totem.protocol.wire.McastFrame;
import dev.totem.testkit.SeededCases;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A ring change in the middle of a fragmented message: every message is delivered once, in order. */
class SendQueueTest {
    private static final int PAYLOAD_MAX = 1400;

    /** Delivers the packed payload of {@code frame} through {@code assembler} into {@code out}. */
    private static void deliver(byte[] frame, Assembler assembler, List<byte[]> out) {
        assembler.accept(1, ByteBuffer.wrap(frame), McastFrame.PAYLOAD_OFFSET, frame.length - McastFrame.PAYLOAD_OFFSET,
                (o, b, off, len) -> out.add(Arrays.copyOfRange(b, off, off + len)));
    }

    private static byte[] message(int length, int tag) {
        byte[] m = new byte[length];
        Arrays.fill(m, (byte) tag);
        return m;
    }

    @Test
    void wholeMessagesPackedBeforeAnUnfinishedOneAreNotSentAgainInTheNewRing() {
        SendQueue queue = new SendQueue(64);
        Packer packer = new Packer(McastFrame.PAYLOAD_OFFSET, PAYLOAD_MAX);
        byte[] a = message(300, 1);
        byte[] b = message(3000, 2);
        packer.add(a, Guarantee.AGREED, queue);
        packer.add(b, Guarantee.AGREED, queue);
        packer.flush(queue);
        Assembler assembler = new Assembler(1 << 20);
        List<byte[]> delivered = new ArrayList<>();
        byte[] first = queue.poll();
        deliver(first, assembler, delivered);
        assertThat(delivered).as("a, packed in the frame that begins b").hasSize(1);
        assertThat(queue.unfinishedSentFrames()).isEqualTo(1);

        assembler.clear();
        queue.restartUnfinishedMessage();
        byte[] f;
        while ((f = queue.poll()) != null) {
            deliver(f, assembler, delivered);
        }
        assertThat(delivered).hasSize(2);
        assertThat(delivered.get(0)).isEqualTo(a);
        assertThat(delivered.get(1)).isEqualTo(b);
    }

    @Test
    void aRingChangeAnywhereInTheStreamDeliversEachMessageExactlyOnceInOrder() {
        SeededCases.run(5_000, 300, (r, seed) -> {
            SendQueue queue = new SendQueue(4096);
            Packer packer = new Packer(McastFrame.PAYLOAD_OFFSET, 200 + r.nextInt(PAYLOAD_MAX));
            List<byte[]> sent = new ArrayList<>();
            int n = 1 + r.nextInt(60);
            for (int i = 0; i < n; i++) {
                int len = r.nextInt(3) == 0 ? r.nextInt(100) : r.nextInt(5000);
                byte[] m = new byte[len];
                for (int k = 0; k < len; k++) {
                    m[k] = (byte) r.nextInt();
                }
                sent.add(m);
                packer.add(m, Guarantee.AGREED, queue);
            }
            packer.flush(queue);
            Assembler assembler = new Assembler(1 << 20);
            List<byte[]> delivered = new ArrayList<>();
            int sentInOldRing = r.nextInt(queue.size() + 1);
            for (int i = 0; i < sentInOldRing; i++) {
                deliver(queue.poll(), assembler, delivered);
            }
            assembler.clear();
            queue.restartUnfinishedMessage();
            byte[] f;
            while ((f = queue.poll()) != null) {
                deliver(f, assembler, delivered);
            }
            assertThat(delivered).as("messages delivered across the ring change").hasSameSizeAs(sent);
            for (int i = 0; i < sent.size(); i++) {
                assertThat(delivered.get(i)).as("message %d", i).isEqualTo(sent.get(i));
            }
            assertThat(assembler.discardedPieces()).isZero();
        });
    }
}
