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
    void badMessagesComeBackMalformed() {
        assertThat(Exec.decode(new byte[0])).isInstanceOf(Exec.Malformed.class);
        assertThat(Exec.decode(new byte[] {2, 1})).isInstanceOf(Exec.Malformed.class); // no body
        assertThat(Exec.decode(Exec.encode(new Exec.ProcJoin("x".repeat(129), 1)))).isInstanceOf(Exec.Malformed.class);
        assertThat(Exec.decode(Exec.encode(new Exec.ProcJoin("g", -1)))).isInstanceOf(Exec.Malformed.class);
        byte[] truncated = Exec.encode(new Exec.Mcast("g", 7, new byte[100]));
        assertThat(Exec.decode(java.util.Arrays.copyOf(truncated, 50))).isInstanceOf(Exec.Malformed.class);
    }
}
