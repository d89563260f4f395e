package dev.totem.protocol.pack;

/**
 * Layout of the packed payload carried by one MCAST frame (totempg's role in corosync): several
 * small application messages packed together, or one piece of a large message split across
 * frames. Big-endian.
 *
 * <pre>
 * off  size  field
 *  0    2    count: pieces in this frame (0..MAX_PIECES)
 *  2    1    flags: bit 0 CONTINUATION (the first piece continues the sender's previous frame),
 *                   bit 1 FRAGMENTED (the last piece continues in the sender's next frame)
 *  3    1    reserved, 0
 *  4    4    frameNo: the sender's frame counter, +1 per frame, so a receiver can tell that a
 *            continuation follows the frame it continues (it may not, across a configuration
 *            change, and then the partial message is thrown away)
 *  8    ..   the pieces, concatenated
 *  end-2n 2n piece lengths (u16), in piece order
 * </pre>
 * The lengths trail the pieces so that a sender can copy each message once, into the frame
 * where it will lie, before it knows how many more will fit.
 */
public final class PackedFormat {
    public static final int HEADER_BYTES = 8;
    public static final int LENGTH_BYTES = 2;
    public static final int FLAG_CONTINUATION = 1;
    public static final int FLAG_FRAGMENTED = 2;
    /** Pieces per frame; also bounds a receiver's loop over a forged count. */
    public static final int MAX_PIECES = 16_384;

    private PackedFormat() {}
}
