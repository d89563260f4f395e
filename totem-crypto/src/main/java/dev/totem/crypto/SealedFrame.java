package dev.totem.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Layout of a sealed frame, big-endian like the Totem frames inside it:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    format     |                    key id                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    (key id)   |                 sender node id                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  (sender id)  |           boot salt (8 bytes) ...             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  ... counter (8 bytes) at 17 ...              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ciphertext of the Totem frame at 25 ...  |   tag (16 bytes)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The clear header (bytes 0..24) is the AEAD's associated data: it travels in the clear but
 * any change to it fails the tag. The ciphertext has the length of the Totem frame.
 */
public final class SealedFrame {
    /** Offset of the format byte: {@link CryptoCipher#formatByte()}. */
    public static final int FORMAT_OFFSET = 0;
    /** Offset of the key id (u32): which key file sealed the frame, see {@link FrameKey#keyId()}. */
    public static final int KEY_ID_OFFSET = 1;
    /** Offset of the sender's node id (u32, non-zero). */
    public static final int SENDER_OFFSET = 5;
    /** Offset of the boot salt (u64): random per sender boot, and per 2^32 frames. */
    public static final int BOOT_SALT_OFFSET = 9;
    /** Offset of the counter (u64, below 2^63): +1 per frame sealed under one boot salt. */
    public static final int COUNTER_OFFSET = 17;
    /** Bytes of the clear header, which is also the associated data. */
    public static final int HEADER_BYTES = 25;
    /** Bytes of the authentication tag at the end. */
    public static final int TAG_BYTES = 16;
    /** Bytes a sealed frame adds to the Totem frame: header + tag. */
    public static final int OVERHEAD_BYTES = HEADER_BYTES + TAG_BYTES;
    /** Bytes of the AEAD nonce: 4 bytes of the boot salt, then the 8-byte counter. */
    public static final int NONCE_BYTES = 12;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private SealedFrame() {}

    /**
     * @param sealed a sealed frame of at least {@link #HEADER_BYTES} bytes at {@code off}
     * @param off where it starts
     * @return its key id
     */
    public static int keyId(byte[] sealed, int off) {
        return getInt(sealed, off + KEY_ID_OFFSET);
    }

    /**
     * @param sealed a sealed frame of at least {@link #HEADER_BYTES} bytes at {@code off}
     * @param off where it starts
     * @return the node id of its sender, as written in the clear (trusted only once opened)
     */
    public static int senderNodeId(byte[] sealed, int off) {
        return getInt(sealed, off + SENDER_OFFSET);
    }

    /**
     * @param sealed a sealed frame of at least {@link #HEADER_BYTES} bytes at {@code off}
     * @param off where it starts
     * @return its boot salt
     */
    public static long bootSalt(byte[] sealed, int off) {
        return getLong(sealed, off + BOOT_SALT_OFFSET);
    }

    /**
     * @param sealed a sealed frame of at least {@link #HEADER_BYTES} bytes at {@code off}
     * @param off where it starts
     * @return its counter
     */
    public static long counter(byte[] sealed, int off) {
        return getLong(sealed, off + COUNTER_OFFSET);
    }

    /** Writes the nonce of (salt, counter): the salt's 4 high bytes, then the counter. */
    static void nonce(long bootSalt, long counter, byte[] nonce) {
        putInt(nonce, 0, (int) (bootSalt >>> 32));
        putLong(nonce, 4, counter);
    }

    static int getInt(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    static long getLong(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    static void putInt(byte[] b, int off, int v) {
        INT.set(b, off, v);
    }

    static void putLong(byte[] b, int off, long v) {
        LONG.set(b, off, v);
    }
}
