package dev.totem.node.cpg;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The IPC stream is split into the frames that were written, however the reads cut it. */
class FrameDecoderTest {
    /** Copies every frame it is handed, as a sink that keeps something must. */
    private static final class Recorder implements FrameDecoder.Sink {
        final List<byte[]> frames = new ArrayList<>();
        final List<Long> oversized = new ArrayList<>();

        @Override
        public void frame(ByteBuf buf, int index, int length) {
            byte[] copy = new byte[length];
            buf.getBytes(index, copy);
            frames.add(copy);
        }

        @Override
        public void oversized(long length) {
            oversized.add(length);
        }
    }

    @Test
    void framesCutAnywhereByTheReadsArriveWholeAndInOrder() {
        for (int seed = 0; seed < 50; seed++) {
            Random random = new Random(seed);
            List<byte[]> written = new ArrayList<>();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int i = 0; i < 40; i++) {
                byte[] frame = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(3_000)];
                random.nextBytes(frame);
                written.add(frame);
                stream.writeBytes(ByteBuffer.allocate(4).putInt(frame.length).array());
                stream.writeBytes(frame);
            }
            Recorder sink = new Recorder();
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(3_000, sink));
            byte[] all = stream.toByteArray();
            for (int at = 0; at < all.length; ) {
                int n = Math.min(all.length - at, 1 + random.nextInt(5_000));
                ch.writeInbound(Unpooled.copiedBuffer(all, at, n));
                at += n;
            }
            assertThat(sink.frames).as("seed %d", seed).containsExactlyElementsOf(written);
            assertThat(sink.oversized).isEmpty();
            assertThat((Object) ch.readInbound()).as("nothing is passed on down the pipeline").isNull();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aFrameAboveTheLimitIsReportedOnceAndNothingAfterItIsRead() {
        Recorder sink = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(100, sink));
        ByteBuf in = Unpooled.buffer();
        in.writeInt(3).writeBytes(new byte[] {1, 2, 3});
        in.writeInt(101).writeBytes(new byte[101]);
        in.writeInt(1).writeByte(9);
        ch.writeInbound(in);
        ch.writeInbound(Unpooled.buffer().writeInt(1).writeByte(7));
        assertThat(sink.frames).containsExactly(new byte[] {1, 2, 3});
        assertThat(sink.oversized).containsExactly(101L);
        ch.finishAndReleaseAll();
    }
}
