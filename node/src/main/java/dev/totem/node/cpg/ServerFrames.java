package dev.totem.node.cpg;

import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.ProtoWire;
import dev.totem.cpg.ipc.IpcFrames;
import dev.totem.protocol.api.ByteSlice;
import io.netty.buffer.ByteBuf;
import java.util.function.IntFunction;

/**
 * Writes the two messages a busy IPC connection carries most, a delivery and the OK answer to a
 * multicast, as length-prefixed frames straight into a netty buffer: the same bytes protobuf
 * writes for {@code IpcCodec.wire(deliver)} and {@code IpcCodec.reply(id, CpgResult.OK)} (fields
 * in number order, proto3 defaults left out), without a builder and a message object per frame.
 * Every other message goes through protobuf.
 *
 * <p>A frame's fields before the payload are put together in an array of this writer's and
 * written with one call, then the payload with another: a netty write per byte checks the
 * buffer's reference count and room each time, which at 64 B was a fifth of the node's loop.
 * One per connection; not thread-safe.
 */
final class ServerFrames {
    /** Length prefix, the ServerMessage tag and length, and four tags and varints: the most besides the group name. */
    private static final int HEADER_BYTES_MAX = IpcFrames.LENGTH_BYTES + 1 + 5 + 4 * (1 + 10);

    private byte[] head = new byte[HEADER_BYTES_MAX + 128];

    /**
     * Appends the frame of a {@code ServerMessage} carrying {@code d}, whose group name is
     * {@code groupUtf8} in UTF-8, to the buffer {@code room} gives for the frame's size.
     */
    void writeDeliver(IntFunction<ByteBuf> room, CpgEvent.Deliver d, byte[] groupUtf8) {
        int groupBytes = groupUtf8.length;
        int payloadBytes = d.length();
        int body = (groupBytes == 0 ? 0 : 1 + ProtoWire.varintSize(groupBytes) + groupBytes)
                + uint32FieldSize(d.senderNode()) + uint32FieldSize(d.senderPid())
                + (payloadBytes == 0 ? 0 : 1 + ProtoWire.varintSize(payloadBytes) + payloadBytes);
        if (head.length < HEADER_BYTES_MAX + groupBytes) {
            head = new byte[HEADER_BYTES_MAX + groupBytes];
        }
        int at = header(IpcFrames.SERVER_DELIVER, body);
        if (groupBytes != 0) {
            at = ProtoWire.putBytesField(head, at, IpcFrames.DELIVER_GROUP, groupUtf8, 0, groupBytes);
        }
        at = uint32Field(at, IpcFrames.DELIVER_SENDER_NODE, d.senderNode());
        at = uint32Field(at, IpcFrames.DELIVER_SENDER_PID, d.senderPid());
        if (payloadBytes != 0) {
            at = ProtoWire.putVarintField(head, at, IpcFrames.DELIVER_PAYLOAD, payloadBytes); // its bytes follow
        }
        ByteBuf out = room.apply(at + payloadBytes);
        out.writeBytes(head, 0, at);
        if (payloadBytes != 0) {
            // From the array: netty copies a read-only view through a scratch array of its own.
            ByteSlice payload = d.payloadSlice();
            out.writeBytes(payload.array(), payload.offset(), payloadBytes);
        }
    }

    /** Appends the frame of a {@code ServerMessage} carrying an OK {@code Reply} to request {@code id}, as {@link #writeDeliver}. */
    void writeOkReply(IntFunction<ByteBuf> room, long id, int okCode) {
        int body = (id == 0 ? 0 : 1 + ProtoWire.varintSize(id)) + uint32FieldSize(okCode);
        int at = header(IpcFrames.SERVER_REPLY, body);
        if (id != 0) {
            at = ProtoWire.putVarintField(head, at, IpcFrames.REPLY_ID, id);
        }
        at = uint32Field(at, IpcFrames.REPLY_ERROR, okCode);
        room.apply(at).writeBytes(head, 0, at);
    }

    /**
     * Puts the frame's length prefix, the tag of the {@code ServerMessage} field and the length of
     * that field's {@code body} bytes at the start of the array; returns where they end.
     */
    private int header(int tag, int body) {
        int message = 1 + ProtoWire.varintSize(body) + body;
        head[0] = (byte) (message >>> 24);
        head[1] = (byte) (message >>> 16);
        head[2] = (byte) (message >>> 8);
        head[3] = (byte) message;
        head[4] = (byte) tag;
        return ProtoWire.putVarint(head, 5, body);
    }

    private static int uint32FieldSize(int value) {
        return value == 0 ? 0 : 1 + ProtoWire.uint32Size(value);
    }

    private int uint32Field(int at, int tag, int value) {
        if (value == 0) {
            return at;
        }
        return ProtoWire.putVarintField(head, at, tag, value & 0xffffffffL);
    }
}
