package dev.totem.node.cpg;

import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.ipc.IpcFrames;
import io.netty.buffer.ByteBuf;

/**
 * Writes the two messages a busy IPC connection carries most, a delivery and the OK answer to a
 * multicast, as length-prefixed frames straight into a netty buffer: the same bytes protobuf
 * writes for {@code IpcCodec.wire(deliver)} and {@code IpcCodec.reply(id, CpgResult.OK)} (fields
 * in number order, proto3 defaults left out), without a builder and a message object per frame.
 * Every other message goes through protobuf.
 */
final class ServerFrames {
    // Tags of cpg_ipc.proto: (field number << 3) | wire type (0 varint, 2 length-delimited).
    private static final int SERVER_REPLY = 1 << 3 | 2;
    private static final int SERVER_DELIVER = 2 << 3 | 2;
    private static final int REPLY_ID = 1 << 3;
    private static final int REPLY_ERROR = 2 << 3;
    private static final int DELIVER_GROUP = 1 << 3 | 2;
    private static final int DELIVER_SENDER_NODE = 2 << 3;
    private static final int DELIVER_SENDER_PID = 3 << 3;
    private static final int DELIVER_PAYLOAD = 4 << 3 | 2;

    private ServerFrames() {}

    /** Appends the frame of a {@code ServerMessage} carrying {@code d}, whose group name is {@code groupUtf8} in UTF-8. */
    static void writeDeliver(ByteBuf out, CpgEvent.Deliver d, byte[] groupUtf8) {
        int groupBytes = groupUtf8.length;
        int payloadBytes = d.length();
        int body = (groupBytes == 0 ? 0 : 1 + varintSize(groupBytes) + groupBytes)
                + uint32FieldSize(d.senderNode()) + uint32FieldSize(d.senderPid())
                + (payloadBytes == 0 ? 0 : 1 + varintSize(payloadBytes) + payloadBytes);
        writeHeader(out, SERVER_DELIVER, body);
        if (groupBytes != 0) {
            out.writeByte(DELIVER_GROUP);
            writeVarint(out, groupBytes);
            out.writeBytes(groupUtf8);
        }
        writeUint32Field(out, DELIVER_SENDER_NODE, d.senderNode());
        writeUint32Field(out, DELIVER_SENDER_PID, d.senderPid());
        if (payloadBytes != 0) {
            out.writeByte(DELIVER_PAYLOAD);
            writeVarint(out, payloadBytes);
            out.writeBytes(d.payloadView());
        }
    }

    /** Appends the frame of a {@code ServerMessage} carrying an OK {@code Reply} to request {@code id}. */
    static void writeOkReply(ByteBuf out, long id, int okCode) {
        int body = (id == 0 ? 0 : 1 + varintSize(id)) + uint32FieldSize(okCode);
        writeHeader(out, SERVER_REPLY, body);
        if (id != 0) {
            out.writeByte(REPLY_ID);
            writeVarint(out, id);
        }
        writeUint32Field(out, REPLY_ERROR, okCode);
    }

    /**
     * Makes room for the whole frame, then writes its length prefix, the tag of the
     * {@code ServerMessage} field and the length of that field's {@code body} bytes.
     */
    private static void writeHeader(ByteBuf out, int tag, int body) {
        int message = 1 + varintSize(body) + body;
        out.ensureWritable(IpcFrames.LENGTH_BYTES + message);
        out.writeInt(message);
        out.writeByte(tag);
        writeVarint(out, body);
    }

    private static int uint32FieldSize(int value) {
        return value == 0 ? 0 : 1 + varintSize(value & 0xffffffffL);
    }

    private static void writeUint32Field(ByteBuf out, int tag, int value) {
        if (value != 0) {
            out.writeByte(tag);
            writeVarint(out, value & 0xffffffffL);
        }
    }

    /** Bytes of {@code value} as a protobuf varint (unsigned). */
    static int varintSize(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value | 1);
        return (bits + 6) / 7;
    }

    private static void writeVarint(ByteBuf out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.writeByte((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }
}
