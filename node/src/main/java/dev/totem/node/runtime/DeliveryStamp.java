package dev.totem.node.runtime;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * An optional convention for measuring delivery latency: a payload that starts with the 4 bytes
 * {@code TSTP} and an 8-byte big-endian send time in microseconds since the epoch is timed from
 * that stamp to its delivery, into the {@code totem.delivery.latency} histogram. Payloads without
 * the stamp are delivered as usual and not timed. The clocks of sender and receiver must agree
 * (the same host, or NTP), so the figures are meaningful on one host and approximate across
 * hosts.
 */
public final class DeliveryStamp {
    /** Length of the stamp at the head of a payload. */
    public static final int STAMP_BYTES = 12;
    private static final int MAGIC = 0x54_53_54_50; // "TSTP"
    /** Stamps further than this from now are taken for a payload that happens to start with the magic. */
    private static final long PLAUSIBLE_MICROS = 3_600_000_000L;

    private DeliveryStamp() {}

    /** {@code body} with a stamp of the current time in front. */
    public static byte[] stamp(byte[] body) {
        return ByteBuffer.allocate(STAMP_BYTES + body.length).putInt(MAGIC).putLong(nowMicros()).put(body).array();
    }

    /**
     * Writes a stamp of the current time over the first {@link #STAMP_BYTES} bytes of
     * {@code payload}, in place (a sender that reuses one buffer allocates nothing per message).
     */
    public static void stampInPlace(byte[] payload) {
        if (payload.length < STAMP_BYTES) {
            throw new IllegalArgumentException("a stamped payload has at least " + STAMP_BYTES + " bytes, got " + payload.length);
        }
        ByteBuffer.wrap(payload).putInt(0, MAGIC).putLong(4, nowMicros());
    }

    /** Makes {@code payload} unstamped, in place: its first bytes no longer hold the stamp's mark. */
    public static void clearInPlace(byte[] payload) {
        if (payload.length >= STAMP_BYTES) {
            ByteBuffer.wrap(payload).putInt(0, 0);
        }
    }

    /** The body of a stamped payload (the bytes after the stamp), or the payload itself. */
    public static byte[] body(byte[] payload) {
        if (!isStamped(ByteBuffer.wrap(payload))) {
            return payload;
        }
        byte[] body = new byte[payload.length - STAMP_BYTES];
        System.arraycopy(payload, STAMP_BYTES, body, 0, body.length);
        return body;
    }

    /** Whether the payload between {@code payload}'s position and limit starts with a stamp. */
    public static boolean isStamped(ByteBuffer payload) {
        return payload.remaining() >= STAMP_BYTES && payload.getInt(payload.position()) == MAGIC;
    }

    /**
     * Microseconds from the stamp to {@code nowMicros}, or -1 when the payload (between
     * {@code payload}'s position and limit) carries no plausible stamp.
     */
    public static long ageMicros(ByteBuffer payload, long nowMicros) {
        if (!isStamped(payload)) {
            return -1;
        }
        long age = nowMicros - payload.getLong(payload.position() + 4);
        return age >= 0 && age <= PLAUSIBLE_MICROS ? age : -1;
    }

    /** The wall clock in microseconds since the epoch, as stamps hold it. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
