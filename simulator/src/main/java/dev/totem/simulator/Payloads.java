package dev.totem.simulator;

import java.nio.charset.StandardCharsets;

/**
 * The payload convention that lets a trace name every application message: a payload starts
 * with its id in UTF-8, then one 0 byte, then padding up to the size the workload asked for.
 * Ids are unique over a run (the workload's job) and appear in the {@code submit} and
 * {@code deliver} lines of the trace.
 */
public final class Payloads {
    /** Longest id in UTF-8 bytes. */
    public static final int MAX_ID_BYTES = 256;

    /** The id of a payload that does not follow the convention; {@link #build} never uses it. */
    public static final String NO_ID = "";

    // Padding is a fixed pattern, not zeros, so a payload cut short is easy to spot in a dump.
    private static final byte PADDING = (byte) 0x5a;

    private Payloads() {}

    /**
     * A payload of exactly {@code sizeBytes} bytes that carries {@code id}.
     *
     * @throws IllegalArgumentException if the id is empty, holds a NUL character, is longer than
     *     {@link #MAX_ID_BYTES}, or does not fit in {@code sizeBytes} with its terminating 0 byte
     */
    public static byte[] build(String id, int sizeBytes) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        if (idBytes.length == 0 || idBytes.length > MAX_ID_BYTES || id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("id must be 1.." + MAX_ID_BYTES + " UTF-8 bytes without NUL: \"" + id + "\"");
        }
        if (sizeBytes < idBytes.length + 1) {
            throw new IllegalArgumentException("payload of " + sizeBytes + " B cannot hold id \"" + id + "\" and its 0 byte");
        }
        byte[] payload = new byte[sizeBytes];
        System.arraycopy(idBytes, 0, payload, 0, idBytes.length);
        payload[idBytes.length] = 0;
        for (int i = idBytes.length + 1; i < sizeBytes; i++) {
            payload[i] = PADDING;
        }
        return payload;
    }

    /** The smallest payload that carries {@code id}. */
    public static byte[] build(String id) {
        return build(id, id.getBytes(StandardCharsets.UTF_8).length + 1);
    }

    /**
     * The id a payload carries: the UTF-8 text before its first 0 byte, or {@link #NO_ID} when no
     * 0 byte appears within the first {@link #MAX_ID_BYTES} + 1 bytes.
     */
    public static String id(byte[] payload) {
        int end = idLength(payload);
        return end < 0 ? NO_ID : new String(payload, 0, end, StandardCharsets.UTF_8);
    }

    /** Whether {@code payload} follows the convention. */
    public static boolean hasId(byte[] payload) {
        return idLength(payload) > 0;
    }

    private static int idLength(byte[] payload) {
        int limit = Math.min(payload.length, MAX_ID_BYTES + 1);
        for (int i = 0; i < limit; i++) {
            if (payload[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
