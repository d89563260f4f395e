package dev.totem.simulator.trace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of the exact UTF-8 bytes of a trace, computed as the lines stream by, so a long run is
 * fingerprinted without being kept in memory. Equals {@code sha256sum} of the same trace
 * written to a file.
 */
public final class TraceHash implements TraceSink {
    private final MessageDigest digest;
    private long bytes;
    private long lines;

    /** An empty hash (the hash of no lines). */
    public TraceHash() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public void line(CharSequence line) {
        byte[] encoded = line.toString().getBytes(StandardCharsets.UTF_8);
        digest.update(encoded);
        bytes += encoded.length;
        lines++;
    }

    /** The SHA-256 of the lines so far, as 64 lower-case hex digits; hashing may continue. */
    public String hex() {
        try {
            MessageDigest snapshot = (MessageDigest) digest.clone();
            return HexFormat.of().formatHex(snapshot.digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }

    /** Number of bytes hashed. */
    public long bytes() {
        return bytes;
    }

    /** Number of lines hashed. */
    public long lines() {
        return lines;
    }

    @Override
    public String toString() {
        return "TraceHash[" + hex() + ", " + lines + " lines, " + bytes + " B]";
    }
}
