package dev.totem.node.cpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.totem.cpg.Utf8Names;
import dev.totem.cpg.ipc.IpcCodec;
import dev.totem.cpg.ipc.wire.ClientMessage;
import dev.totem.cpg.ipc.wire.Join;
import dev.totem.cpg.ipc.wire.Mcast;
import dev.totem.protocol.api.Guarantee;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The node's byte-by-byte read of a multicast request means what the generated parser reads. */
class McastRequestTest {
    @Test
    void aMulticastIsReadAsTheGeneratedCodeReadsIt() throws Exception {
        Random random = new Random(9);
        for (String group : new String[] {"", "g", "grüppe-ñ", "x".repeat(200)}) {
            for (long id : new long[] {0, 1, 128, Long.MAX_VALUE}) {
                for (int size : new int[] {0, 1, 128, 70_000}) {
                    for (Guarantee g : Guarantee.values()) {
                        for (boolean wait : new boolean[] {false, true}) {
                            byte[] payload = new byte[size];
                            random.nextBytes(payload);
                            ClientMessage m = ClientMessage.newBuilder().setId(id).setMcast(Mcast.newBuilder().setGroup(group)
                                    .setGuarantee(IpcCodec.wire(g)).setWait(wait).setPayload(ByteString.copyFrom(payload))).build();
                            McastRequest fast = McastRequest.read(direct(m.toByteArray()), new Utf8Names());
                            McastRequest generated = McastRequest.of(m);
                            assertThat(fast).as("%s %d %d %s %s", group, id, size, g, wait).isNotNull();
                            assertThat(fast.id()).isEqualTo(generated.id()).isEqualTo(id);
                            assertThat(fast.group()).isEqualTo(generated.group()).isEqualTo(group);
                            assertThat(fast.guarantee()).isEqualTo(generated.guarantee()).isEqualTo(g);
                            assertThat(fast.waitForRing()).isEqualTo(generated.waitForRing()).isEqualTo(wait);
                            assertThat(fast.payload()).isEqualTo(generated.payload()).isEqualTo(payload);
                        }
                    }
                }
            }
        }
    }

    @Test
    void otherRequestsAndUnusualMulticastsAreLeftToTheGeneratedCode() throws Exception {
        ClientMessage join = ClientMessage.newBuilder().setId(3).setJoin(Join.newBuilder().setGroup("g")).build();
        assertThat(McastRequest.read(direct(join.toByteArray()), new Utf8Names())).isNull();
        ClientMessage unknownField = ClientMessage.newBuilder().setId(4).setMcast(Mcast.newBuilder().setGroup("g")
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(12, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())).build();
        assertThat(McastRequest.read(direct(unknownField.toByteArray()), new Utf8Names())).isNull();
        ClientMessage futureGuarantee = ClientMessage.newBuilder().setId(5).setMcast(Mcast.newBuilder().setGroup("g")
                .setGuaranteeValue(7)).build();
        assertThat(McastRequest.read(direct(futureGuarantee.toByteArray()), new Utf8Names())).isNull();
        assertThat(McastRequest.of(futureGuarantee).guarantee()).isEqualTo(Guarantee.AGREED);
    }

    @Test
    void aTruncatedMulticastIsLeftToTheGeneratedCodeWhichRefusesIt() {
        byte[] whole = ClientMessage.newBuilder().setId(6).setMcast(Mcast.newBuilder().setGroup("g")
                .setPayload(ByteString.copyFrom(new byte[300]))).build().toByteArray();
        byte[] cut = Arrays.copyOf(whole, 100);
        assertThat(McastRequest.read(direct(cut), new Utf8Names())).isNull();
        assertThatThrownBy(() -> ClientMessage.parseFrom(cut)).isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void aDamagedRequestIsReadAsTheGeneratedCodeReadsItOrLeftToIt() throws Exception {
        // Bytes of a request changed, and the request cut short at every length, read from the
        // middle of a larger buffer: the byte-by-byte reader gives what the generated code reads
        // or leaves the frame to it (null); it never takes what the generated code refuses.
        Random random = new Random(11);
        byte[] wire = ClientMessage.newBuilder().setId(300).setMcast(Mcast.newBuilder().setGroup("grüppe")
                .setGuarantee(IpcCodec.wire(Guarantee.SAFE)).setWait(true)
                .setPayload(ByteString.copyFrom(new byte[40]))).build().toByteArray();
        Utf8Names names = new Utf8Names();
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
            ByteBuffer buffer = ByteBuffer.allocateDirect(length + 6);
            buffer.position(3).put(damaged, 0, length).flip().position(3);
            McastRequest fast = McastRequest.read(buffer, names);
            assertThat(buffer.position()).isEqualTo(3);
            if (fast == null) {
                continue;
            }
            ClientMessage generated = ClientMessage.parseFrom(Arrays.copyOf(damaged, length));
            McastRequest expected = McastRequest.of(generated);
            assertThat(fast.id()).as("round %d", round).isEqualTo(expected.id());
            assertThat(fast.group()).as("round %d", round).isEqualTo(expected.group());
            assertThat(fast.guarantee()).as("round %d", round).isEqualTo(expected.guarantee());
            assertThat(fast.waitForRing()).as("round %d", round).isEqualTo(expected.waitForRing());
            assertThat(fast.payload()).as("round %d", round).isEqualTo(expected.payload());
            checked++;
        }
        assertThat(checked).as("damaged requests the fast reader took").isGreaterThan(1_000);
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }
}
