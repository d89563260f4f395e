package dev.totem.cpg;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes names (group names) from UTF-8, remembering the last one: a name that comes again next
 * is the same {@code String}, decoded and hashed once, and whoever writes it out again can tell
 * by identity that it is the same name. It suits a stream where one name follows itself (the
 * messages of a busy group). Strict: malformed UTF-8 is refused, as protobuf refuses it in a
 * string field. One owner; not thread-safe.
 */
public final class Utf8Names {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    /** The last name's UTF-8 and its String. */
    private byte[] lastBytes;
    private String last;
    /** Bytes read from a buffer without an array we may see. */
    private byte[] scratch = new byte[0];

    /**
     * The name whose UTF-8 is {@code length} bytes of {@code bytes} from {@code offset}.
     *
     * @throws CharacterCodingException when those bytes are not UTF-8
     */
    public String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
        if (isLast(bytes, offset, length)) {
            return last;
        }
        boolean ascii = true;
        for (int i = offset, end = offset + length; i < end && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        // ASCII, the common case, needs no decoder.
        String name = ascii ? new String(bytes, offset, length, StandardCharsets.ISO_8859_1)
                : decoder.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        lastBytes = Arrays.copyOfRange(bytes, offset, offset + length);
        last = name;
        return name;
    }

    /**
     * Whether those bytes are the last name's. A plain loop: names are short, and for a few bytes
     * {@code Arrays.equals} on ranges cost more in its checks and call than the comparison.
     */
    private boolean isLast(byte[] bytes, int offset, int length) {
        byte[] l = lastBytes;
        if (l == null || l.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[offset + i] != l[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The name whose UTF-8 is the {@code length} bytes of {@code buffer} (read-only ones too) at
     * absolute position {@code at}; the buffer's position is left alone.
     *
     * @throws CharacterCodingException when those bytes are not UTF-8
     * @throws IndexOutOfBoundsException when the buffer ends before them
     */
    public String decode(ByteBuffer buffer, int at, int length) throws CharacterCodingException {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        buffer.get(at, scratch, 0, length);
        return decode(scratch, 0, length);
    }

    /**
     * The name whose UTF-8 is the next {@code length} bytes of {@code buffer}, which it reads.
     *
     * @throws CharacterCodingException when those bytes are not UTF-8
     * @throws java.nio.BufferUnderflowException when fewer remain
     */
    public String decode(ByteBuffer buffer, int length) throws CharacterCodingException {
        if (buffer.remaining() < length) {
            throw new java.nio.BufferUnderflowException();
        }
        String name = decode(buffer, buffer.position(), length);
        buffer.position(buffer.position() + length);
        return name;
    }
}
