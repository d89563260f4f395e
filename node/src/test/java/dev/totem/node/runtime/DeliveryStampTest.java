package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeliveryStampTest {
    @Test
    void aStampedPayloadGivesItsAgeAndBody() {
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] stamped = DeliveryStamp.stamp(body);

        assertThat(DeliveryStamp.isStamped(ByteBuffer.wrap(stamped))).isTrue();
        assertThat(DeliveryStamp.body(stamped)).isEqualTo(body);
        long now = DeliveryStamp.nowMicros();
        assertThat(DeliveryStamp.ageMicros(ByteBuffer.wrap(stamped), now + 1_000)).isBetween(1_000L, 60_000_000L);
    }

    @Test
    void anUnstampedOrImplausiblePayloadIsNotTimed() {
        byte[] plain = "hello, world".getBytes(StandardCharsets.UTF_8);
        byte[] stamped = DeliveryStamp.stamp(plain);

        assertThat(DeliveryStamp.isStamped(ByteBuffer.wrap(plain))).isFalse();
        assertThat(DeliveryStamp.ageMicros(ByteBuffer.wrap(plain), DeliveryStamp.nowMicros())).isEqualTo(-1);
        assertThat(DeliveryStamp.body(plain)).isSameAs(plain);
        assertThat(DeliveryStamp.ageMicros(ByteBuffer.wrap(stamped), 0)).as("a stamp from the future").isEqualTo(-1);
    }

    @Test
    void aPayloadStampedAndClearedInPlaceIsNoLongerTimed() {
        byte[] payload = new byte[20];
        payload[15] = 42;
        DeliveryStamp.stampInPlace(payload);
        assertThat(DeliveryStamp.isStamped(ByteBuffer.wrap(payload))).isTrue();

        DeliveryStamp.clearInPlace(payload);
        assertThat(DeliveryStamp.isStamped(ByteBuffer.wrap(payload))).isFalse();
        assertThat(DeliveryStamp.ageMicros(ByteBuffer.wrap(payload), DeliveryStamp.nowMicros())).isEqualTo(-1);
        assertThat(payload[15]).as("the body is left alone").isEqualTo((byte) 42);
    }
}
