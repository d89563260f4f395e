package dev.totem.cpg;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes group names from UTF-8, remembering the last one: the messages of a busy group follow
 * one another, so they share one {@code String}, decoded once, and whoever writes it out again
 * can tell by identity that it is the same name. Strict: malformed UTF-8 is refused, as protobuf
 * refuses it in a string field. One owner; not thread-safe.
 */
public final class GroupNames {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    private byte[] lastUtf8 = new byte[0];
    private String last;

    /**
     * The name whose UTF-8 is {@code length} bytes of {@code bytes} from {@code offset}.
     *
     * @throws CharacterCodingException when those bytes are not UTF-8
     */
    public String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
        if (last != null && Arrays.equals(bytes, offset, offset + length, lastUtf8, 0, lastUtf8.length)) {
            return last;
        }
        String name = decoder.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        lastUtf8 = Arrays.copyOfRange(bytes, offset, offset + length);
        last = name;
        return name;
    }
}
