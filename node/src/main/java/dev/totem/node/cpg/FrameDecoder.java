package dev.totem.node.cpg;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Splits an IPC byte stream into frames: a 4-byte big-endian length, then the frame (passed on
 * as a retained slice, without the length). A length above the limit goes to
 * {@code oversized} once, and everything after it is discarded: the stream cannot be trusted to
 * resynchronise, so the connection ends.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private final int frameBytesMax;
    private final LongConsumer oversized;
    private boolean failed;

    FrameDecoder(int frameBytesMax, LongConsumer oversized) {
        this.frameBytesMax = frameBytesMax;
        this.oversized = oversized;
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
            oversized.accept(length);
            return;
        }
        if (in.readableBytes() < dev.totem.cpg.ipc.IpcFrames.LENGTH_BYTES + length) {
            return;
        }
        in.skipBytes(dev.totem.cpg.ipc.IpcFrames.LENGTH_BYTES);
        out.add(in.readRetainedSlice((int) length));
    }
}
