package dev.totem.cpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A delivery that refers to its payload inside the message that carried it behaves as one that owns it. */
class CpgEventTest {
    @Test
    void aDeliveryOfPartOfAnArrayShowsOnlyThatPart() {
        byte[] message = {9, 9, 1, 2, 3, 9};
        CpgEvent.Deliver part = new CpgEvent.Deliver("g", 1, 2, message, 2, 3);
        CpgEvent.Deliver whole = new CpgEvent.Deliver("g", 1, 2, new byte[] {1, 2, 3});

        assertThat(part.payload()).containsExactly(1, 2, 3);
        assertThat(part.length()).isEqualTo(3);
        ByteBuffer view = part.payloadView();
        assertThat(view.position()).isZero();
        assertThat(view.remaining()).isEqualTo(3);
        assertThat(view.isReadOnly()).isTrue();
        assertThat(view.get(0)).isEqualTo((byte) 1);
        assertThat(part).isEqualTo(whole).hasSameHashCodeAs(whole);
        assertThat(part.sizeBytes()).isEqualTo(whole.sizeBytes());
        assertThat(part).isNotEqualTo(new CpgEvent.Deliver("g", 1, 2, message, 1, 3));

        part.payload()[0] = 7; // a copy: the delivery is unchanged
        assertThat(part.payload()).containsExactly(1, 2, 3);
    }

    @Test
    void aDecodedMulticastRefersToItsPayloadInsideTheMessage() {
        byte[] wire = Exec.encode(new Exec.Mcast("grp", 7, new byte[] {4, 5, 6}));
        Exec.Mcast m = (Exec.Mcast) Exec.decode(wire);
        assertThat(m.bytes()).isSameAs(wire);
        assertThat(m.offset() + m.length()).isEqualTo(wire.length);
        assertThat(m.payload()).containsExactly(4, 5, 6);
    }
}
