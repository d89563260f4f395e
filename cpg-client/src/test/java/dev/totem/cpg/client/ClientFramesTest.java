package dev.totem.cpg.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.ipc.IpcCodec;
import dev.totem.cpg.ipc.wire.ClientMessage;
import dev.totem.cpg.ipc.wire.Deliver;
import dev.totem.cpg.ipc.wire.Mcast;
import dev.totem.cpg.ipc.wire.Reply;
import dev.totem.cpg.ipc.wire.ServerMessage;
import dev.totem.protocol.api.Guarantee;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The client's hand-written frames against the generated code: same bytes out, same meaning in. */
class ClientFramesTest {
    private static final String[] GROUPS = {"", "g", "grüppe-ñ", "x".repeat(200)};
    private static final long[] IDS = {0, 1, 127, 128, 1L << 35, Long.MAX_VALUE};
    private static final int[] SIZES = {0, 1, 127, 128, 70_000};

    @Test
    void aMulticastRequestIsWrittenAsTheGeneratedCodeWritesIt() {
        Random random = new Random(5);
        for (String group : GROUPS) {
            for (long id : IDS) {
                for (int size : SIZES) {
                    for (Guarantee g : Guarantee.values()) {
                        for (boolean wait : new boolean[] {false, true}) {
                            byte[] payload = new byte[size];
                            random.nextBytes(payload);
                            ClientMessage expected = ClientMessage.newBuilder().setId(id).setMcast(Mcast.newBuilder()
                                    .setGroup(group).setGuarantee(IpcCodec.wire(g)).setWait(wait)
                                    .setPayload(ByteString.copyFrom(payload))).build();
                            byte[] frame = ClientFrames.mcastRequest(id, group, IpcCodec.wire(g).getNumber(), wait, payload);
                            assertThat(frame).as("%s %d %d %s %s", group, id, size, g, wait).isEqualTo(frame(expected.toByteArray()));
                        }
                    }
                }
            }
        }
    }

    @Test
    void aDeliveryIsReadAsTheGeneratedCodeReadsIt() throws Exception {
        Random random = new Random(6);
        for (String group : GROUPS) {
            for (int node : new int[] {0, 1, 300, -1}) {
                for (int size : SIZES) {
                    byte[] payload = new byte[size];
                    random.nextBytes(payload);
                    byte[] wire = ServerMessage.newBuilder().setDeliver(Deliver.newBuilder().setGroup(group).setSenderNode(node)
                            .setSenderPid(node + 7).setPayload(ByteString.copyFrom(payload))).build().toByteArray();
                    CpgEvent.Deliver d = ClientFrames.delivery(padded(wire), 3, wire.length, new dev.totem.cpg.Utf8Names());
                    assertThat(d).isEqualTo(new CpgEvent.Deliver(group, node, node + 7, payload));
                }
            }
        }
    }

    @Test
    void anOkReplyGivesItsIdAndAnythingElseIsLeftToTheGeneratedCode() throws Exception {
        for (long id : new long[] {1, 128, Long.MAX_VALUE}) {
            byte[] ok = ServerMessage.newBuilder().setReply(IpcCodec.reply(id, CpgResult.OK)).build().toByteArray();
            assertThat(ClientFrames.okReplyId(padded(ok), 3, ok.length)).isEqualTo(id);
        }
        byte[] refused = ServerMessage.newBuilder().setReply(IpcCodec.reply(4, CpgResult.of(dev.totem.cpg.CpgError.NOT_EXIST,
                "not in the group"))).build().toByteArray();
        assertThat(ClientFrames.okReplyId(padded(refused), 3, refused.length)).isEqualTo(ClientFrames.NOT_AN_OK_REPLY);
        byte[] hello = ServerMessage.newBuilder().setReply(IpcCodec.reply(1, CpgResult.OK).setLocalNodeId(3)).build().toByteArray();
        assertThat(ClientFrames.okReplyId(padded(hello), 3, hello.length)).isEqualTo(ClientFrames.NOT_AN_OK_REPLY);
        assertThat(ClientFrames.delivery(padded(hello), 3, hello.length, new dev.totem.cpg.Utf8Names())).isNull();

        byte[] deliver = ServerMessage.newBuilder().setDeliver(Deliver.newBuilder().setGroup("g").setSenderNode(1)).build()
                .toByteArray();
        assertThat(ClientFrames.okReplyId(padded(deliver), 3, deliver.length)).isEqualTo(ClientFrames.NOT_AN_OK_REPLY);
        byte[] withUnknownField = ServerMessage.newBuilder().setDeliver(Deliver.newBuilder().setGroup("g")
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(9, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())).build().toByteArray();
        assertThat(ClientFrames.delivery(padded(withUnknownField), 3, withUnknownField.length, new dev.totem.cpg.Utf8Names())).isNull();
        assertThat(ClientFrames.OK).isEqualTo(Reply.newBuilder().setError(1).build());
    }

    @Test
    void aDamagedDeliveryIsReadAsTheGeneratedCodeReadsItOrLeftToIt() throws Exception {
        // Every byte of a delivery frame changed, and the frame cut short at every length: the
        // byte-by-byte reader either gives what the generated code reads or leaves the frame to
        // it (null); it never accepts what the generated code refuses.
        Random random = new Random(7);
        byte[] wire = ServerMessage.newBuilder().setDeliver(Deliver.newBuilder().setGroup("grüppe").setSenderNode(300)
                .setSenderPid(70_000).setPayload(ByteString.copyFrom(new byte[40]))).build().toByteArray();
        int checked = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] damaged = wire.clone();
            int length = damaged.length;
            if (round % 4 == 0) {
                length = random.nextInt(damaged.length + 1);
            } else {
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
            }
            CpgEvent.Deliver fast;
            try {
                fast = ClientFrames.delivery(padded(damaged), 3, length, new dev.totem.cpg.Utf8Names());
            } catch (java.io.IOException e) {
                fast = null; // a group name that is not UTF-8: the generated code refuses it too
            }
            if (fast == null) {
                continue;
            }
            ServerMessage generated = ServerMessage.parseFrom(Arrays.copyOf(damaged, length));
            assertThat(IpcCodec.event(generated)).as("round %d", round).isEqualTo(fast);
            checked++;
        }
        assertThat(checked).as("damaged frames the fast reader took").isGreaterThan(1_000);
    }

    /** {@code bytes} at offset 3 of a larger array, so offsets are honoured. */
    private static byte[] padded(byte[] bytes) {
        byte[] out = new byte[bytes.length + 6];
        Arrays.fill(out, (byte) 0x5a);
        System.arraycopy(bytes, 0, out, 3, bytes.length);
        return out;
    }

    private static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(4 + message.length).putInt(message.length).put(message).array();
    }
}
