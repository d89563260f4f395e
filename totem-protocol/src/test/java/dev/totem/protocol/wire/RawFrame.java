package dev.totem.protocol.wire;

import java.nio.ByteBuffer;

/**
 * Frames written byte by byte from the layout tables, without the production code: hand-made
 * frames for the rejection tests and the expected bytes of the layout tests.
 */
final class RawFrame {
    private final ByteBuffer b;

    private RawFrame(int length) {
        b = ByteBuffer.allocate(length);
    }

    /** {@code length} zero bytes. */
    static RawFrame of(int length) {
        return new RawFrame(length);
    }

    /** A header with magic, version 2, no flags and frameLength = {@code length}, then zeroes. */
    static RawFrame header(FrameType type, int length, int sender) {
        return of(length).u16(0, 0x7E70).u8(2, 2).u8(3, type.code()).u16(6, length).u32(8, sender);
    }

    /** A header and the ring id (rep at 12, seq at 16). */
    static RawFrame withRing(FrameType type, int length, int sender, int rep, long seq) {
        return header(type, length, sender).u32(12, rep).u64(16, seq);
    }

    RawFrame u8(int offset, int value) {
        b.put(offset, (byte) value);
        return this;
    }

    RawFrame u16(int offset, int value) {
        b.putShort(offset, (short) value);
        return this;
    }

    RawFrame u32(int offset, int value) {
        b.putInt(offset, value);
        return this;
    }

    RawFrame u64(int offset, long value) {
        b.putLong(offset, value);
        return this;
    }

    /** Copies {@code bytes} in at {@code offset}. */
    RawFrame bytes(int offset, byte[] bytes) {
        b.put(offset, bytes);
        return this;
    }

    byte[] bytes() {
        return b.array();
    }

    DecodeStatus check() {
        return Frames.check(ByteBuffer.wrap(b.array()), 0, b.capacity());
    }
}
