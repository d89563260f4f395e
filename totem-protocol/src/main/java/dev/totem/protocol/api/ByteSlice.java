package dev.totem.protocol.api;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A run of bytes inside an array that nobody writes any more (a received frame, a decoded
 * message), shared without copying. Immutable to its readers: {@link #copy()} returns a copy,
 * {@link #view()} a read-only view. Equal by content, wherever the bytes lie.
 */
public final class ByteSlice {
    private final byte[] bytes;
    private final int offset;
    private final int length;

    /**
     * The {@code length} bytes of {@code bytes} from {@code offset}; the array is kept, not
     * copied: the caller hands it over and never writes it again.
     */
    public ByteSlice(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /** The whole of {@code bytes}, handed over as above. */
    public static ByteSlice of(byte[] bytes) {
        return new ByteSlice(bytes, 0, bytes.length);
    }

    /** A copy of the bytes. */
    public byte[] copy() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    /** The bytes, read-only, without a copy (position 0, limit {@link #length()}). */
    public ByteBuffer view() {
        return ByteBuffer.wrap(bytes, offset, length).slice().asReadOnlyBuffer();
    }

    /**
     * The array the bytes lie in, shared, for a decoder that reads them in place: never write
     * it (a received frame may still be sent again, and others read it).
     */
    public byte[] array() {
        return bytes;
    }

    /** Where in {@link #array()} the bytes start. */
    public int offset() {
        return offset;
    }

    /** How many bytes. */
    public int length() {
        return length;
    }

    /** Whether these bytes are those of the whole of {@code other}. */
    public boolean contentEquals(byte[] other) {
        return Arrays.equals(other, 0, other.length, bytes, offset, offset + length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteSlice s
                && Arrays.equals(s.bytes, s.offset, s.offset + s.length, bytes, offset, offset + length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + bytes[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return length + " B";
    }
}
