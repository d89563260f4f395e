package dev.totem.protocol.api;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One thing an engine asks its driver to do. The driver applies the effects of a batch in list
 * order (see {@link Effects}).
 */
public sealed interface Effect {

    /** Node id used as destination for a multicast to every node of the network. */
    int MULTICAST = 0;

    /**
     * Send a frame. {@code destination} is a node id, or {@link #MULTICAST}.
     * The driver owns {@code frame} afterwards; the engine never touches it again.
     */
    record Send(int destination, byte[] frame) implements Effect {
        public boolean multicast() {
            return destination == MULTICAST;
        }

        @Override
        public String toString() {
            return "Send[" + (multicast() ? "mcast" : "to " + destination) + ", " + frame.length + " B]";
        }
    }

    /**
     * Send a frame on network {@code network} (an index into the node's networks, 0 first), for
     * a layer that spreads traffic over several networks (the redundant ring). {@link Send} means
     * "on the network the driver chooses", which is network 0. {@code destination} is a node id,
     * or {@link #MULTICAST}; the driver owns {@code frame} afterwards.
     */
    record SendOn(int network, int destination, byte[] frame) implements Effect {
        public SendOn {
            if (network < 0) {
                throw new IllegalArgumentException("network index must not be negative: " + network);
            }
        }

        /** Whether it goes to every node of that network. */
        public boolean multicast() {
            return destination == MULTICAST;
        }

        @Override
        public String toString() {
            return "SendOn[net " + network + ", " + (multicast() ? "mcast" : "to " + destination) + ", "
                    + frame.length + " B]";
        }
    }

    /** Arm (or re-arm) the timer of this kind to fire after {@code delayNanos}. */
    record SetTimer(TimerKind kind, long delayNanos) implements Effect {}

    /** Disarm the timer of this kind; harmless when it is not armed. */
    record CancelTimer(TimerKind kind) implements Effect {}

    /**
     * Deliver one application message to the application, in the total order.
     *
     * <p>Immutable: {@link #payload()} returns a copy; {@link #payloadView()} a read-only view
     * of the bytes without copying. (A class rather than a record: the engine hands over the
     * message where it arrived, inside the frame that carried it, so a delivery costs no copy of
     * it. A listener that keeps the bytes after its callback takes a copy; the view pins the
     * whole frame.)
     */
    final class Deliver implements Effect {
        private final int sender;
        private final ByteSlice payload;
        private final Guarantee guarantee;
        private final RingId ring;

        /**
         * @param sender node id that originated the message
         * @param payload the application's bytes; kept, not copied: the caller never writes them again
         * @param guarantee the guarantee it was sent with
         * @param ring the configuration in which it is delivered
         */
        public Deliver(int sender, byte[] payload, Guarantee guarantee, RingId ring) {
            this(sender, ByteSlice.of(payload), guarantee, ring);
        }

        /** The message is {@code length} bytes of {@code bytes} from {@code offset}, handed over as above. */
        public Deliver(int sender, byte[] bytes, int offset, int length, Guarantee guarantee, RingId ring) {
            this(sender, new ByteSlice(bytes, offset, length), guarantee, ring);
        }

        private Deliver(int sender, ByteSlice payload, Guarantee guarantee, RingId ring) {
            this.sender = sender;
            this.payload = payload;
            this.guarantee = guarantee;
            this.ring = ring;
        }

        /** Node id that originated the message. */
        public int sender() {
            return sender;
        }

        /** A copy of the application's bytes. */
        public byte[] payload() {
            return payload.copy();
        }

        /** The application's bytes, read-only, without a copy (position 0, limit {@link #length()}). */
        public ByteBuffer payloadView() {
            return payload.view();
        }

        /** The message's length in bytes. */
        public int length() {
            return payload.length();
        }

        /** The application's bytes where they lie, for a decoder that reads them in place without writing. */
        public ByteSlice payloadSlice() {
            return payload;
        }

        /** The guarantee it was sent with. */
        public Guarantee guarantee() {
            return guarantee;
        }

        /** The configuration in which it is delivered. */
        public RingId ring() {
            return ring;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Deliver d && d.sender == sender && d.guarantee == guarantee
                    && Objects.equals(d.ring, ring) && d.payload.equals(payload);
        }

        @Override
        public int hashCode() {
            return ((sender * 31 + Objects.hashCode(guarantee)) * 31 + Objects.hashCode(ring)) * 31 + payload.hashCode();
        }

        @Override
        public String toString() {
            return "Deliver[from " + sender + ", " + payload + ", " + guarantee + ", ring " + ring + "]";
        }
    }

    /**
     * A configuration change, in the same ordered stream as deliveries.
     *
     * @param kind transitional or regular
     * @param ring the ring id of the configuration (for a transitional one, the new ring's id)
     * @param members node ids, ascending
     * @param left node ids that left relative to the previous configuration, ascending
     * @param joined node ids that joined relative to the previous configuration, ascending
     */
    record ConfigurationChange(ConfigurationKind kind, RingId ring, int[] members, int[] left, int[] joined)
            implements Effect {
        @Override
        public boolean equals(Object o) {
            return o instanceof ConfigurationChange c && c.kind == kind && c.ring.equals(ring)
                    && Arrays.equals(c.members, members) && Arrays.equals(c.left, left)
                    && Arrays.equals(c.joined, joined);
        }

        @Override
        public int hashCode() {
            return (kind.hashCode() * 31 + ring.hashCode()) * 31 + Arrays.hashCode(members);
        }

        @Override
        public String toString() {
            return "ConfigurationChange[" + kind + " " + ring + " members=" + Arrays.toString(members)
                    + " left=" + Arrays.toString(left) + " joined=" + Arrays.toString(joined) + "]";
        }
    }

    /** The token of {@code ring} was not seen for the token timeout. */
    record TokenLost(RingId ring) implements Effect {}

    /** A state machine changed state; the driver logs it. */
    record Transition(String machine, String from, String to, String reason) implements Effect {}

    /** Kinds of configuration. */
    enum ConfigurationKind {
        TRANSITIONAL,
        REGULAR;

        /** The trace spelling. */
        public String traceName() {
            return this == TRANSITIONAL ? "transitional" : "regular";
        }
    }
}
