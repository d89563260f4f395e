package dev.totem.cpg;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes names (group names, lock names) from UTF-8, remembering the ones it decoded in a
 * table of a fixed number of slots: a name that comes back is the same {@code String}, decoded
 * and hashed once, and whoever writes it out again can tell by identity that it is the same
 * name. One slot suits a stream where one name follows itself (the messages of a busy group); a
 * service that sees many names again and again (a lock table) wants a few slots per name. A
 * name may sit in any of {@value #PROBES} slots from its hash's own; when all are taken, a new
 * name takes its own slot from the one there, so the table is bounded. Strict: malformed UTF-8
 * is refused, as protobuf refuses it in a string field. One owner; not thread-safe.
 */
public final class Utf8Names {
    /** The most slots a table may have. */
    public static final int SLOTS_MAX = 1 << 20;
    /** Slots a name may sit in, from its hash's own: neighbours share a cache line of {@code hashes}. */
    static final int PROBES = 4;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    private final int mask;
    /** 32 less the bits of a slot number: a slot is the top bits of the mixed hash. */
    private final int shift;
    private final int[] hashes;
    /** Per slot, side by side (one cache line): the name's UTF-8 at 2 * slot, its String at 2 * slot + 1. */
    private final Object[] entries;
    /** Bytes read from a buffer without an array we may see. */
    private byte[] scratch = new byte[0];

    /** A table of one slot: remembers the last name. */
    public Utf8Names() {
        this(1);
    }

    /** @param slots how many names it remembers at most, rounded up to a power of two */
    public Utf8Names(int slots) {
        if (slots < 1 || slots > SLOTS_MAX) {
            throw new IllegalArgumentException("slots must be 1.." + SLOTS_MAX + ", got " + slots);
        }
        int size = Integer.highestOneBit(slots) == slots ? slots : Integer.highestOneBit(slots) << 1;
        this.mask = size - 1;
        this.shift = 32 - Integer.numberOfTrailingZeros(size);
        this.hashes = new int[size];
        this.entries = new Object[2 * size];
    }

    /**
     * The name whose UTF-8 is {@code length} bytes of {@code bytes} from {@code offset}.
     *
     * @throws CharacterCodingException when those bytes are not UTF-8
     */
    public String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
        if (mask == 0) {
            // One slot (a group's name on every delivery): no hash to compute, one comparison.
            byte[] known = (byte[]) entries[0];
            if (known != null && Arrays.equals(bytes, offset, offset + length, known, 0, known.length)) {
                return (String) entries[1];
            }
        }
        int h = 1;
        boolean ascii = true;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + bytes[i];
            ascii &= bytes[i] >= 0;
        }
        // Fibonacci hashing: names that differ only in their last bytes (lock-1, lock-2, ...)
        // have hashes that differ only in their low bits, which the multiplication spreads over
        // the top bits (for 16,000 such names in 64 Ki slots, 13 % share a home slot, not 30 %).
        int home = mask == 0 ? 0 : (h * 0x9E3779B9) >>> shift;
        int free = -1;
        for (int p = 0; p < PROBES && p <= mask; p++) {
            int slot = (home + p) & mask;
            byte[] known = (byte[]) entries[2 * slot];
            if (known == null) {
                free = free < 0 ? slot : free;
            } else if (hashes[slot] == h && Arrays.equals(bytes, offset, offset + length, known, 0, known.length)) {
                return (String) entries[2 * slot + 1];
            }
        }
        // ASCII, the common case, needs no decoder.
        String name = ascii ? new String(bytes, offset, length, StandardCharsets.ISO_8859_1)
                : decoder.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        int slot = free >= 0 ? free : home;
        hashes[slot] = h;
        entries[2 * slot] = Arrays.copyOfRange(bytes, offset, offset + length);
        entries[2 * slot + 1] = name;
        return name;
    }

    /**
     * The name whose UTF-8 is the next {@code length} bytes of {@code buffer} (read-only ones
     * too), which it reads.
     *
     * @throws CharacterCodingException when those bytes are not UTF-8
     * @throws java.nio.BufferUnderflowException when fewer remain
     */
    public String decode(ByteBuffer buffer, int length) throws CharacterCodingException {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        buffer.get(scratch, 0, length);
        return decode(scratch, 0, length);
    }
}
