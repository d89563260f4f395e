package dev.totem.protocol.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class DeliverTest {
    private static final RingId RING = new RingId(1, 4);

    @Test
    void aDeliveryInsideAFrameShowsOnlyItsOwnBytes() {
        byte[] frame = {9, 9, 1, 2, 3, 9};
        Effect.Deliver d = new Effect.Deliver(2, frame, 2, 3, Guarantee.AGREED, RING);
        assertThat(d.length()).isEqualTo(3);
        assertThat(d.payload()).containsExactly(1, 2, 3);
        ByteBuffer view = d.payloadView();
        assertThat(view.position()).isZero();
        assertThat(view.remaining()).isEqualTo(3);
        assertThat(view.get(0)).isEqualTo((byte) 1);
    }

    @Test
    void neitherTheCopyNorTheViewCanWriteTheFrame() {
        byte[] frame = {9, 1, 2, 9};
        Effect.Deliver d = new Effect.Deliver(2, frame, 1, 2, Guarantee.SAFE, RING);
        d.payload()[0] = 7;
        assertThatThrownBy(() -> d.payloadView().put(0, (byte) 7)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(frame).containsExactly(9, 1, 2, 9);
    }

    @Test
    void deliveriesAreEqualByTheirBytesNotWhereTheyLie() {
        Effect.Deliver inFrame = new Effect.Deliver(3, new byte[] {0, 5, 6, 0}, 1, 2, Guarantee.AGREED, RING);
        Effect.Deliver alone = new Effect.Deliver(3, new byte[] {5, 6}, Guarantee.AGREED, RING);
        assertThat(inFrame).isEqualTo(alone).hasSameHashCodeAs(alone);
        assertThat(inFrame).isNotEqualTo(new Effect.Deliver(3, new byte[] {5, 7}, Guarantee.AGREED, RING));
        assertThat(inFrame).isNotEqualTo(new Effect.Deliver(1, new byte[] {5, 6}, Guarantee.AGREED, RING));
    }

    @Test
    void aSliceComparesWithAWholeArrayByContent() {
        ByteSlice slice = new ByteSlice(new byte[] {0, 5, 6, 0}, 1, 2);
        assertThat(slice.contentEquals(new byte[] {5, 6})).isTrue();
        assertThat(slice.contentEquals(new byte[] {5, 6, 0})).isFalse();
        assertThat(slice.contentEquals(new byte[] {5, 7})).isFalse();
    }

    @Test
    void aRangeOutsideTheArrayIsRefused() {
        assertThatThrownBy(() -> new Effect.Deliver(1, new byte[4], 3, 2, Guarantee.AGREED, RING))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
