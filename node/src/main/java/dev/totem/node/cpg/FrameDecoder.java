package dev.totem.node.cpg;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits an IPC byte stream into frames: a 4-byte big-endian length, then the frame, handed to
 * the {@link Sink} where it lies in the read buffer (without the length). A length above the
 * limit goes to the sink once, and everything after it is discarded: the stream cannot be
 * trusted to resynchronise, so the connection ends.
 *
 * <p>Why in place rather than a retained slice per frame, as netty's decoders do: a slice of a
 * buffer that netty's leak detector sampled is tracked with a stack trace of its own, and the
 * stream's cumulation buffer lives long, so once sampled every request frame of the connection
 * paid for one: a fifth of a node's loop at 64-byte multicasts.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    /** Where frames go, on the channel's loop. */
    interface Sink {
        /**
         * One frame: {@code length} bytes of {@code buf} at {@code index}. Valid during the call
         * only: the sink copies what it keeps.
         */
        void frame(ByteBuf buf, int index, int length);

        /** A frame announced {@code length} bytes, above the limit; no frame follows. */
        void oversized(long length);
    }

    private final int frameBytesMax;
    private final Sink sink;
    private boolean failed;

    FrameDecoder(int frameBytesMax, Sink sink) {
        this.frameBytesMax = frameBytesMax;
        this.sink = sink;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < dev.totem.cpg.ipc.IpcFrames.LENGTH_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length > frameBytesMax) {
            failed = true;
            in.skipBytes(in.readableBytes());
            sink.oversized(length);
            return;
        }
        if (in.readableBytes() < dev.totem.cpg.ipc.IpcFrames.LENGTH_BYTES + length) {
            return;
        }
        int at = in.readerIndex() + dev.totem.cpg.ipc.IpcFrames.LENGTH_BYTES;
        // Skipped first, so a sink that ends the connection (closing the channel) finds the frame consumed.
        in.skipBytes(dev.totem.cpg.ipc.IpcFrames.LENGTH_BYTES + (int) length);
        sink.frame(in, at, (int) length);
    }
}
