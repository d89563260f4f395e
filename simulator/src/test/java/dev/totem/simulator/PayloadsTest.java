package dev.totem.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PayloadsTest {

    @Test
    void buildsAPayloadOfTheRequestedSizeThatCarriesItsId() {
        byte[] payload = Payloads.build("n3-17", 100);
        assertThat(payload).hasSize(100);
        assertThat(payload[5]).isZero();
        assertThat(Payloads.id(payload)).isEqualTo("n3-17");
        assertThat(Payloads.hasId(payload)).isTrue();
        assertThat(Payloads.build("é")).hasSize(3);
    }

    @Test
    void aPayloadWithoutTheConventionHasNoId() {
        assertThat(Payloads.id(new byte[] {1, 2, 3})).isEqualTo(Payloads.NO_ID);
        assertThat(Payloads.id(new byte[0])).isEqualTo(Payloads.NO_ID);
        assertThat(Payloads.hasId(new byte[] {0, 1})).isFalse();
        assertThat(Payloads.id(new byte[Payloads.MAX_ID_BYTES + 10])).isEqualTo(Payloads.NO_ID);
    }

    @Test
    void rejectsIdsThatCannotBeParsedBack() {
        assertThatThrownBy(() -> Payloads.build("", 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Payloads.build("a\0b", 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Payloads.build("abc", 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Payloads.build("x".repeat(Payloads.MAX_ID_BYTES + 1), 1_000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
