package dev.totem.cpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.protocol.api.Guarantee;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedCpgTest {
    @Test
    void aHandleJoinsMulticastsAndIsClosedForGood() {
        Cluster c = new Cluster(1);
        c.configure(new int[] {1});
        c.settle();
        List<CpgNotice> notices = new ArrayList<>();
        EmbeddedCpg cpg = new EmbeddedCpg(c.node(1).service, notices::add);
        RecordingListener r = new RecordingListener();
        CpgHandle h = cpg.open(ClientId.of(42), r);
        assertThatThrownBy(() -> cpg.open(ClientId.of(42), new RecordingListener())).isInstanceOf(IllegalStateException.class);
        assertThat(h.localNodeId()).isEqualTo(1);
        assertThat(h.join("g").ok()).isTrue();
        assertThat(h.mcast("g", "hi".getBytes(StandardCharsets.UTF_8), Guarantee.AGREED).ok()).isTrue();
        c.settle();
        cpg.dispatch();
        assertThat(r.events).containsExactly(
                new CpgEvent.Confchg("g", List.of(CpgAddress.member(1, 42)), List.of(),
                        List.of(new CpgAddress(1, 42, Reason.JOIN)), "r1:4@2"),
                new CpgEvent.Deliver("g", 1, 42, "hi".getBytes(StandardCharsets.UTF_8)));
        assertThat(h.membership("g")).containsExactly(CpgAddress.member(1, 42));
        assertThat(h.groups()).containsExactly(java.util.Map.entry("g", List.of(CpgAddress.member(1, 42))));
        assertThat(h.state("g")).isEqualTo(ConnectionState.JOIN_COMPLETED);

        h.close();
        assertThat(h.closed()).isTrue();
        assertThat(h.join("g").error()).isEqualTo(CpgError.BAD_HANDLE);
        assertThat(h.mcast("g", new byte[1], Guarantee.AGREED).error()).isEqualTo(CpgError.BAD_HANDLE);
        c.settle();
        assertThat(h.membership("g")).isEmpty();
        assertThat(h.groups()).as("no member, no group").isEmpty();
        assertThat(cpg.openHandles()).isZero();
        CpgHandle again = cpg.open(ClientId.of(42), new RecordingListener());
        assertThat(again.join("g").ok()).isTrue();
    }

    @Test
    void aHandleTheServiceDisconnectsHearsWhyAndIsClosed() {
        Cluster c = new Cluster(CpgConfig.defaults().withClientQueue(2, 1 << 20), 1);
        c.node(1).collectNotices = false;
        c.configure(new int[] {1});
        c.settle();
        List<CpgNotice> notices = new ArrayList<>();
        EmbeddedCpg cpg = new EmbeddedCpg(c.node(1).service, notices::add);
        RecordingListener slow = new RecordingListener();
        CpgHandle h = cpg.open(ClientId.of(7), slow);
        h.join("g");
        for (int i = 0; i < 3; i++) {
            h.mcast("g", new byte[] {(byte) i}, Guarantee.AGREED);
        }
        c.settle(); // confchg + 3 deliveries, no dispatch in between: more than 2 events waiting
        cpg.dispatch();
        assertThat(h.closed()).isTrue();
        assertThat(slow.disconnected).contains("event queue is full");
        assertThat(notices).hasSize(1);
        assertThat(h.state("g")).isEqualTo(ConnectionState.UNJOINED);
    }
}
