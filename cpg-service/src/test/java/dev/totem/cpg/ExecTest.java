package dev.totem.cpg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.wire.EntryState;
import dev.totem.protocol.api.RingId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecTest {
    @Test
    void everyMessageRoundTrips() {
        assertThat(Exec.decode(Exec.encode(new Exec.ProcJoin("grp", 42)))).isEqualTo(new Exec.ProcJoin("grp", 42));
        assertThat(Exec.decode(Exec.encode(new Exec.ProcLeave("grp", 42, Reason.PROCDOWN))))
                .isEqualTo(new Exec.ProcLeave("grp", 42, Reason.PROCDOWN));
        Exec.JoinList jl = new Exec.JoinList(new RingId(3, 1234567890123L), List.of(
                new Exec.Entry(1, "a", EntryState.ENTRY_STATE_MEMBER), new Exec.Entry(2, "b", EntryState.ENTRY_STATE_LEAVING)));
        assertThat(Exec.decode(Exec.encode(jl))).isEqualTo(jl);
        Exec.Mcast m = (Exec.Mcast) Exec.decode(Exec.encode(new Exec.Mcast("g", 7, new byte[] {1, 2, 3})));
        assertThat(m.payload()).containsExactly(1, 2, 3);
        byte[] wire = Exec.encode(new Exec.ProcJoin("g", 1));
        assertThat(wire[0]).isEqualTo((byte) Exec.SERVICE_CPG);
        assertThat(wire[1]).isEqualTo((byte) Exec.VERSION);
    }

    @Test
    void aMessageInsideAFrameIsReadWhereItLies() {
        byte[] mcast = Exec.encode(new Exec.Mcast("grp", 7, new byte[] {1, 2, 3}));
        byte[] join = Exec.encode(new Exec.ProcJoin("grp", 8));
        byte[] frame = new byte[5 + mcast.length + join.length + 4];
        java.util.Arrays.fill(frame, (byte) 0x7f);
        System.arraycopy(mcast, 0, frame, 5, mcast.length);
        System.arraycopy(join, 0, frame, 5 + mcast.length, join.length);
        Exec.Mcast m = (Exec.Mcast) Exec.decode(frame, 5, mcast.length, new Utf8Names());
        assertThat(m.group()).isEqualTo("grp");
        assertThat(m.pid()).isEqualTo(7);
        assertThat(m.bytes()).isSameAs(frame);
        assertThat(m.payload()).containsExactly(1, 2, 3);
        assertThat(Exec.decode(frame, 5 + mcast.length, join.length, new Utf8Names())).isEqualTo(new Exec.ProcJoin("grp", 8));
        assertThat(Exec.decode(frame, 5, mcast.length - 1, new Utf8Names()))
                .as("a message cut short does not read into what follows it").isInstanceOf(Exec.Malformed.class);
    }

    /** The bytes the generated builders give for a multicast; the hand-written path must match them. */
    private static byte[] builderBytes(String group, int pid, byte[] payload, int extraFieldNumber) {
        dev.totem.cpg.wire.Mcast.Builder mc = dev.totem.cpg.wire.Mcast.newBuilder().setGroup(group).setPid(pid)
                .setPayload(com.google.protobuf.ByteString.copyFrom(payload));
        if (extraFieldNumber > 0) {
            mc.setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder().addField(extraFieldNumber,
                    com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(5).build()).build());
        }
        byte[] body = dev.totem.cpg.wire.ExecMessage.newBuilder().setMcast(mc).build().toByteArray();
        byte[] out = new byte[2 + body.length];
        out[0] = (byte) Exec.SERVICE_CPG;
        out[1] = (byte) Exec.VERSION;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    @Test
    void aMulticastIsEncodedAndDecodedAsTheGeneratedCodeDoesIt() {
        java.util.Random random = new java.util.Random(3);
        for (String group : new String[] {"g", "bench", "grüppe-ñ", "x".repeat(42), "é".repeat(64)}) {
            for (int pid : new int[] {1, 127, 128, 1 << 22, Integer.MAX_VALUE}) {
                for (int size : new int[] {0, 1, 127, 128, 70_000}) {
                    byte[] payload = new byte[size];
                    random.nextBytes(payload);
                    byte[] expected = builderBytes(group, pid, payload, 0);
                    assertThat(Exec.encode(new Exec.Mcast(group, pid, payload))).as("%s %d %d", group, pid, size)
                            .isEqualTo(expected);
                    Exec.Mcast m = (Exec.Mcast) Exec.decode(expected);
                    assertThat(m.group()).isEqualTo(group);
                    assertThat(m.pid()).isEqualTo(pid);
                    assertThat(m.payload()).isEqualTo(payload);
                }
            }
        }
    }

    @Test
    void aDamagedMulticastIsReadAsTheGeneratedCodeReadsIt() {
        // Bytes of a multicast changed, and the message cut short at every length: what decode
        // gives (the byte-by-byte reader, or the generated parser when that reader declines)
        // is what the generated parser alone reads, and Malformed when that one refuses it.
        java.util.Random random = new java.util.Random(13);
        byte[] wire = builderBytes("grüppe", 70_000, new byte[40], 0);
        Utf8Names names = new Utf8Names();
        int multicasts = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] damaged = wire.clone();
            int length = damaged.length;
            if (round % 4 == 0) {
                length = 2 + random.nextInt(damaged.length - 1);
            } else {
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    damaged[2 + random.nextInt(damaged.length - 2)] = (byte) random.nextInt(256);
                }
            }
            byte[] frame = new byte[length + 6];
            System.arraycopy(damaged, 0, frame, 3, length);
            Exec decoded = Exec.decode(frame, 3, length, names);
            dev.totem.cpg.wire.ExecMessage generated;
            try {
                generated = dev.totem.cpg.wire.ExecMessage.parseFrom(java.util.Arrays.copyOfRange(damaged, 2, length));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                assertThat(decoded).as("round %d", round).isInstanceOf(Exec.Malformed.class);
                continue;
            }
            if (!generated.hasMcast() || decoded instanceof Exec.Malformed) {
                continue; // another body, or a group or pid the service refuses: not the reader's concern
            }
            var mc = generated.getMcast();
            assertThat(decoded).as("round %d", round).isInstanceOf(Exec.Mcast.class);
            Exec.Mcast m = (Exec.Mcast) decoded;
            assertThat(m.group()).as("round %d", round).isEqualTo(mc.getGroup());
            assertThat(m.pid()).as("round %d", round).isEqualTo(mc.getPid());
            assertThat(m.payload()).as("round %d", round).isEqualTo(mc.getPayload().toByteArray());
            multicasts++;
        }
        assertThat(multicasts).as("damaged multicasts still read").isGreaterThan(1_000);
    }

    @Test
    void aMulticastWithAFieldThisNodeDoesNotKnowIsStillRead() {
        Exec decoded = Exec.decode(builderBytes("g", 9, new byte[] {4, 5}, 15));
        assertThat(decoded).isInstanceOf(Exec.Mcast.class);
        assertThat(((Exec.Mcast) decoded).payload()).containsExactly(4, 5);
        assertThat(((Exec.Mcast) decoded).pid()).isEqualTo(9);
    }

    @Test
    void aMulticastWithABadGroupOrPidIsMalformed() {
        assertThat(Exec.decode(builderBytes("", 9, new byte[1], 0))).isInstanceOf(Exec.Malformed.class);
        assertThat(Exec.decode(builderBytes("é".repeat(65), 9, new byte[1], 0))).isInstanceOf(Exec.Malformed.class);
        assertThat(Exec.decode(builderBytes("g", 0, new byte[1], 0))).isInstanceOf(Exec.Malformed.class);
        byte[] badUtf8 = builderBytes("ab", 9, new byte[1], 0);
        badUtf8[badUtf8.length - 1 - 2 - 2 - 2] = (byte) 0xff; // the group's first byte: no longer UTF-8
        assertThat(Exec.decode(badUtf8)).isInstanceOf(Exec.Malformed.class);
    }

    @Test
    void badMessagesComeBackMalformed() {
        assertThat(Exec.decode(new byte[0])).isInstanceOf(Exec.Malformed.class);
        assertThat(Exec.decode(new byte[] {2, 1})).isInstanceOf(Exec.Malformed.class); // no body
        assertThat(Exec.decode(Exec.encode(new Exec.ProcJoin("x".repeat(129), 1)))).isInstanceOf(Exec.Malformed.class);
        assertThat(Exec.decode(Exec.encode(new Exec.ProcJoin("g", -1)))).isInstanceOf(Exec.Malformed.class);
        byte[] truncated = Exec.encode(new Exec.Mcast("g", 7, new byte[100]));
        assertThat(Exec.decode(java.util.Arrays.copyOf(truncated, 50))).isInstanceOf(Exec.Malformed.class);
    }
}
