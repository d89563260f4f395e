package dev.totem.rrp;

import java.nio.ByteBuffer;

/**
 * The redundant ring's own frame: a probe that every node multicasts on every network, faulty or
 * not, so each node knows which networks carry every other node's traffic, and which networks
 * every other node sends on. It never reaches the Totem processor: its magic differs from the
 * Totem frames' (a node without the redundant ring drops it as a frame with a bad magic).
 *
 * <pre>
 *  off size field
 *   0   2   magic = 0x7E72
 *   2   1   version = 1
 *   3   1   kind = 1 (probe)
 *   4   4   sender node id (non-zero)
 *   8   1   network: the index of the network it was sent on (a receiver that gets it on
 *           another network has its networks wired crosswise)
 *   9   1   working: bit i set when the sender sends on network i, or left it only because a peer did
 *  10   2   reserved, 0
 *  12   4   probe seq: +1 per probe round of the sender, the same on every network
 * </pre>
 * Big-endian, like the Totem frames.
 */
public final class RrpProbe {
    /** First two bytes of every redundant-ring frame. */
    public static final int MAGIC = 0x7E72;
    /** The only version written and read. */
    public static final int VERSION = 1;
    /** The only kind so far. */
    public static final int KIND_PROBE = 1;
    /** Bytes of a probe. */
    public static final int LENGTH = 16;

    private RrpProbe() {}

    /** Encodes a probe into a new array. */
    public static byte[] encode(int sender, int network, int workingMask, long probeSeq) {
        if (sender == 0 || network < 0 || network >= RrpConfig.MAX_NETWORKS || (workingMask & ~0xFF) != 0) {
            throw new IllegalArgumentException("bad probe: sender " + sender + ", network " + network + ", mask "
                    + workingMask);
        }
        byte[] b = new byte[LENGTH];
        b[0] = (byte) (MAGIC >>> 8);
        b[1] = (byte) MAGIC;
        b[2] = VERSION;
        b[3] = KIND_PROBE;
        putI32(b, 4, sender);
        b[8] = (byte) network;
        b[9] = (byte) workingMask;
        putI32(b, 12, (int) probeSeq);
        return b;
    }

    /** Whether the region starts with the redundant ring's magic (then it is ours, valid or not). */
    public static boolean isRrpFrame(ByteBuffer buf, int offset, int length) {
        return length >= 2 && u8(buf, offset) == (MAGIC >>> 8) && u8(buf, offset + 1) == (MAGIC & 0xFF);
    }

    /** Whether the region is exactly one well-formed probe. */
    public static boolean isValidProbe(ByteBuffer buf, int offset, int length) {
        return length == LENGTH && isRrpFrame(buf, offset, length) && u8(buf, offset + 2) == VERSION
                && u8(buf, offset + 3) == KIND_PROBE && sender(buf, offset) != 0
                && network(buf, offset) < RrpConfig.MAX_NETWORKS && u8(buf, offset + 10) == 0 && u8(buf, offset + 11) == 0;
    }

    /** The node that sent the probe. */
    public static int sender(ByteBuffer buf, int offset) {
        return i32(buf, offset + 4);
    }

    /**
     * The node a frame of the redundant ring names as its sender (position 0 to limit), or 0 when
     * the frame is not one of the ring's; a sealing layer below the ring checks it against the
     * node that sealed the frame, as it does a Totem frame's header.
     */
    public static int claimedSender(ByteBuffer frame) {
        return frame.remaining() >= 8 && isRrpFrame(frame, 0, frame.remaining()) ? sender(frame, 0) : 0;
    }

    /** The network the sender put it on. */
    public static int network(ByteBuffer buf, int offset) {
        return u8(buf, offset + 8);
    }

    /** The networks the sender sends on, one bit each. */
    public static int workingMask(ByteBuffer buf, int offset) {
        return u8(buf, offset + 9);
    }

    /** The sender's probe round, unsigned. */
    public static long probeSeq(ByteBuffer buf, int offset) {
        return i32(buf, offset + 12) & 0xFFFFFFFFL;
    }

    // Byte by byte: the wire is big-endian whatever order the caller set on the buffer.
    private static int u8(ByteBuffer b, int index) {
        return b.get(index) & 0xFF;
    }

    private static int i32(ByteBuffer b, int index) {
        return (u8(b, index) << 24) | (u8(b, index + 1) << 16) | (u8(b, index + 2) << 8) | u8(b, index + 3);
    }

    private static void putI32(byte[] b, int index, int v) {
        b[index] = (byte) (v >>> 24);
        b[index + 1] = (byte) (v >>> 16);
        b[index + 2] = (byte) (v >>> 8);
        b[index + 3] = (byte) v;
    }
}
