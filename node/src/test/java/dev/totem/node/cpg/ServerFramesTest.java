package dev.totem.node.cpg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.ipc.IpcCodec;
import dev.totem.cpg.ipc.wire.ServerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written frames are byte for byte what protobuf writes for the same message. */
class ServerFramesTest {
    private final ServerFrames frames = new ServerFrames();
    private static final String[] GROUPS = {"", "g", "bench", "grüppe-ñ", "x".repeat(200)};
    private static final int[] IDS = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, -1};
    private static final int[] SIZES = {0, 1, 127, 128, 16_383, 16_384, 70_000};

    @Test
    void aDeliveryIsWrittenAsProtobufWritesIt() {
        Random random = new Random(7);
        int checked = 0;
        for (String group : GROUPS) {
            for (int node : IDS) {
                for (int size : SIZES) {
                    byte[] payload = new byte[size];
                    random.nextBytes(payload);
                    int pid = IDS[(checked + 3) % IDS.length];
                    CpgEvent.Deliver d = new CpgEvent.Deliver(group, node, pid, payload);
                    ByteBuf out = Unpooled.buffer(4);
                    frames.writeDeliver(n -> out, d, group.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    assertThat(ByteBufUtil.getBytes(out)).as("group %s node %d pid %d size %d", group, node, pid, size)
                            .isEqualTo(frame(IpcCodec.wire(d)));
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(GROUPS.length * IDS.length * SIZES.length);
    }

    @Test
    void anOkReplyIsWrittenAsProtobufWritesIt() {
        for (long id : new long[] {0, 1, 127, 128, 16_384, 1L << 35, Long.MAX_VALUE, -1}) {
            ByteBuf out = Unpooled.buffer(1);
            frames.writeOkReply(n -> out, id, CpgError.OK.code());
            ServerMessage expected = ServerMessage.newBuilder().setReply(IpcCodec.reply(id, CpgResult.OK)).build();
            assertThat(ByteBufUtil.getBytes(out)).as("id %d", id).isEqualTo(frame(expected));
        }
    }

    @Test
    void theRoomAskedForIsTheWholeFrame() {
        // IpcConnection hands out buffers that must not grow: the size asked for is all that is written.
        int[] asked = new int[1];
        ByteBuf out = Unpooled.buffer(16);
        CpgEvent.Deliver d = new CpgEvent.Deliver("orders", 3, 70_000, new byte[70_000]);
        frames.writeDeliver(n -> {
            asked[0] = n;
            return out;
        }, d, "orders".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(asked[0]).isEqualTo(out.readableBytes()).isGreaterThan(70_000);
        out.clear();
        frames.writeOkReply(n -> {
            asked[0] = n;
            return out;
        }, Long.MAX_VALUE, CpgError.OK.code());
        assertThat(asked[0]).isEqualTo(out.readableBytes());
    }

    @Test
    void framesFollowOneAnotherInOneBuffer() {
        ByteBuf out = Unpooled.buffer(16);
        CpgEvent.Deliver a = new CpgEvent.Deliver("g", 1, 2, new byte[] {9});
        CpgEvent.Deliver b = new CpgEvent.Deliver("h", 3, 4, new byte[300]);
        frames.writeDeliver(n -> out, a, new byte[] {'g'});
        frames.writeOkReply(n -> out, 5, CpgError.OK.code());
        frames.writeDeliver(n -> out, b, new byte[] {'h'});
        ByteBuffer expected = ByteBuffer.allocate(out.readableBytes());
        expected.put(frame(IpcCodec.wire(a)));
        expected.put(frame(ServerMessage.newBuilder().setReply(IpcCodec.reply(5, CpgResult.OK)).build()));
        expected.put(frame(IpcCodec.wire(b)));
        assertThat(expected.hasRemaining()).isFalse();
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(expected.array());
    }

    private static byte[] frame(ServerMessage m) {
        byte[] body = m.toByteArray();
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }
}
