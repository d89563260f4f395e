package dev.totem.protocol.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * A frame-sized window in a larger buffer: random offset, random bytes around and under it,
 * random byte order of the buffer object, sometimes direct. Offsets and foreign byte orders are
 * where a codec that forgets {@code offset +} or relies on the buffer's order goes wrong.
 */
record Placed(ByteBuffer buf, int offset, int length) {

    /** A writable window of {@code length} bytes full of random garbage. */
    static Placed garbage(SplittableRandom r, int length) {
        int offset = r.nextInt(17);
        int capacity = offset + length + r.nextInt(17);
        ByteBuffer buf = r.nextInt(16) == 0 ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        buf.put(0, RandomFrames.bytes(r, capacity));
        buf.order(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        return new Placed(buf, offset, length);
    }

    /** {@code frame} copied into a garbage window; one in four buffers is read-only. */
    static Placed randomly(SplittableRandom r, byte[] frame) {
        Placed p = garbage(r, frame.length);
        p.buf.put(p.offset, frame);
        return r.nextInt(4) == 0 ? new Placed(p.buf.asReadOnlyBuffer().order(p.buf.order()), p.offset, p.length) : p;
    }

    /** A copy of the window's bytes. */
    byte[] bytes() {
        byte[] copy = new byte[length];
        buf.get(offset, copy);
        return copy;
    }

    DecodeStatus check() {
        return Frames.check(buf, offset, length);
    }
}
