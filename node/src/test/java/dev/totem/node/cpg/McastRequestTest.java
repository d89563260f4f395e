package dev.totem.node.cpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.totem.cpg.ipc.IpcCodec;
import dev.totem.cpg.ipc.wire.ClientMessage;
import dev.totem.cpg.ipc.wire.Join;
import dev.totem.cpg.ipc.wire.Mcast;
import dev.totem.protocol.api.Guarantee;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The node's fast read of a multicast request means what the generated parser reads. */
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
                            McastRequest fast = McastRequest.read(direct(m.toByteArray()));
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
        assertThat(McastRequest.read(direct(join.toByteArray()))).isNull();
        ClientMessage unknownField = ClientMessage.newBuilder().setId(4).setMcast(Mcast.newBuilder().setGroup("g")
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(12, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())).build();
        assertThat(McastRequest.read(direct(unknownField.toByteArray()))).isNull();
        ClientMessage futureGuarantee = ClientMessage.newBuilder().setId(5).setMcast(Mcast.newBuilder().setGroup("g")
                .setGuaranteeValue(7)).build();
        assertThat(McastRequest.read(direct(futureGuarantee.toByteArray()))).isNull();
        assertThat(McastRequest.of(futureGuarantee).guarantee()).isEqualTo(Guarantee.AGREED);
    }

    @Test
    void aTruncatedMulticastIsAnError() {
        byte[] whole = ClientMessage.newBuilder().setId(6).setMcast(Mcast.newBuilder().setGroup("g")
                .setPayload(ByteString.copyFrom(new byte[300]))).build().toByteArray();
        assertThatThrownBy(() -> McastRequest.read(direct(Arrays.copyOf(whole, 100))))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }
}
