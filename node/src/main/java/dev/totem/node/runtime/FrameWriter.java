package dev.totem.node.runtime;

import java.util.function.ObjIntConsumer;

/**
 * Puts the frames of the engine's answers on the networks, for the event loop: each is sealed as
 * it is written when crypto is on ({@link EngineStack#sealForWire}, into one array the networks
 * copy from), a frame for this node itself (a ring of one) goes back through the loop, and
 * writes are flushed to the sockets once per answer, before its deliveries and configuration
 * changes, and every {@link #FLUSH_BYTES} of frames. Event loop only.
 */
final class FrameWriter {
    /**
     * Frames are flushed to the sockets once this many bytes wait, not only at the end of the
     * answer. Sealing costs about 0.4 us per KB, so with crypto on the peers get the first frames
     * of a burst some 25 us after the token came rather than after all were sealed (which left
     * them idle meanwhile: 14 % of two CPUs in a 1600 B bench). In the clear, a token visit's 30
     * frames of 60 KB each took a new direct buffer while the earlier ones waited for the flush,
     * so every copy into one went to memory out of cache: netty's copy of the sent frames fell
     * from 9.7 % to 3.3 % of a bench's samples when they were flushed as they came
     * (perf/HISTORY.md, session 29).
     */
    static final int FLUSH_BYTES = 64 << 10;

    private final EngineStack stack;
    private final Networks networks;
    private final int nodeId;
    /** Takes a frame addressed to this node, and its network index, back to the loop. */
    private final ObjIntConsumer<byte[]> toSelf;
    /** Frames written to the sockets and not yet flushed. */
    private boolean unflushed;
    /** Bytes written since the last flush. */
    private int unflushedBytes;
    /** Where frames for the sockets are sealed (crypto on); as large as the largest sealed so far. */
    private byte[] sealed = new byte[0];

    FrameWriter(EngineStack stack, Networks networks, int nodeId, ObjIntConsumer<byte[]> toSelf) {
        this.stack = stack;
        this.networks = networks;
        this.nodeId = nodeId;
        this.toSelf = toSelf;
    }

    /** Writes one frame of an answer (sealed here when crypto is on), in the answer's order. */
    void send(int network, int destination, byte[] frame) {
        unflushed = true;
        if (destination == nodeId) {
            toSelf.accept(stack.wireFrame(frame), network); // the loop keeps it: an array of its own
            return;
        }
        byte[] out = frame;
        int length = frame.length;
        if (stack.sealsOnWrite()) {
            // Sealed into one reused array, which the network copies: a new 60 KB array per frame
            // cost its zeroing, in memory the young generation had not touched for a while, at half
            // the cost of the cipher itself on a JDK with the fused AES-GCM stub (perf/HISTORY.md,
            // session 22).
            int needed = stack.sealedBytesMax(frame.length);
            if (sealed.length < needed) {
                sealed = new byte[needed];
            }
            length = stack.sealForWire(frame, sealed);
            out = sealed;
        }
        networks.send(network, destination, out, 0, length);
        // Out once enough waits: the peers take these in while the next are sealed or copied.
        unflushedBytes += length;
        if (unflushedBytes >= FLUSH_BYTES) {
            unflushedBytes = 0;
            networks.flushWritten();
        }
    }

    /** Flushes if frames were written since the last flush: before a delivery or configuration change. */
    void flushIfWritten() {
        if (unflushed) {
            flush();
        }
    }

    /** Flushes every network's writes to its sockets. */
    void flush() {
        unflushed = false;
        unflushedBytes = 0;
        networks.flush();
    }
}
