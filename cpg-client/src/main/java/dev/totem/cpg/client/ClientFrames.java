package dev.totem.cpg.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.Utf8Names;
import dev.totem.cpg.ipc.IpcFrames;
import dev.totem.cpg.ipc.wire.Reply;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The client's side of the three messages a streaming client handles most, in the bytes of
 * {@code cpg_ipc.proto} but without a builder and message objects per message: it writes Mcast
 * requests and reads OK replies field by field with protobuf's streams, and reads deliveries
 * byte by byte. Anything else, or anything unusual in these (an unknown field, a malformed
 * one), goes through the generated code.
 */
final class ClientFrames {
    /** The reply a streamed multicast's OK answer stands for: OK, with nothing else a caller reads. */
    static final Reply OK = Reply.newBuilder().setError(CpgError.OK.code()).build();
    /** What {@link #okReplyId} returns for a frame that is not a plain OK reply. */
    static final long NOT_AN_OK_REPLY = -1;
    private static final byte[] EMPTY = new byte[0];

    private ClientFrames() {}

    /**
     * The frame (length prefix and {@code ClientMessage}) of a multicast request.
     *
     * @param guarantee the wire value of the guarantee ({@code Guarantee} of cpg_ipc.proto)
     */
    static byte[] mcastRequest(long id, String group, int guarantee, boolean wait, byte[] payload) {
        int body = (group.isEmpty() ? 0 : CodedOutputStream.computeStringSize(1, group))
                + (guarantee == 0 ? 0 : CodedOutputStream.computeEnumSize(2, guarantee))
                + (payload.length == 0 ? 0 : CodedOutputStream.computeByteArraySize(3, payload))
                + (wait ? CodedOutputStream.computeBoolSize(4, true) : 0);
        int message = (id == 0 ? 0 : CodedOutputStream.computeUInt64Size(1, id))
                + 1 + CodedOutputStream.computeUInt32SizeNoTag(body) + body;
        byte[] frame = new byte[IpcFrames.LENGTH_BYTES + message];
        ByteBuffer.wrap(frame).putInt(message);
        CodedOutputStream out = CodedOutputStream.newInstance(frame, IpcFrames.LENGTH_BYTES, message);
        try {
            if (id != 0) {
                out.writeUInt64(1, id);
            }
            out.writeUInt32NoTag(IpcFrames.CLIENT_MCAST);
            out.writeUInt32NoTag(body);
            if (!group.isEmpty()) {
                out.writeString(1, group);
            }
            if (guarantee != 0) {
                out.writeEnum(2, guarantee);
            }
            if (payload.length != 0) {
                out.writeByteArray(3, payload);
            }
            if (wait) {
                out.writeBool(4, true);
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("protobuf could not write into an array of its own size", e);
        }
        return frame;
    }

    /**
     * The delivery a {@code ServerMessage} of {@code length} bytes at {@code offset} carries, its
     * payload copied out and its group name decoded through {@code names}; null when the frame is
     * anything else, has a field this client does not know, or is not well formed (the generated
     * code then reads it, and says what is wrong). Read byte by byte rather than with a
     * {@code CodedInputStream}: at 64-byte messages a client reads two million deliveries a
     * second, and the stream object and its bookkeeping were the reader's largest cost.
     *
     * @throws IOException when the group name is not UTF-8
     */
    static CpgEvent.Deliver delivery(byte[] array, int offset, int length, Utf8Names names) throws IOException {
        int end = offset + length;
        if (length == 0 || array[offset] != IpcFrames.SERVER_DELIVER) {
            return null;
        }
        long v = varint32(array, offset + 1, end);
        // The Deliver must fill the rest of the frame exactly.
        if (v < 0 || value(v) != end - position(v)) {
            return null;
        }
        int p = position(v);
        String group = "";
        int node = 0;
        int pid = 0;
        int payloadAt = p;
        int payloadLength = 0;
        while (p < end) {
            int tag = array[p++];
            if (tag == IpcFrames.DELIVER_SENDER_NODE || tag == IpcFrames.DELIVER_SENDER_PID) {
                v = varint32(array, p, end);
                if (v < 0) {
                    return null;
                }
                p = position(v);
                if (tag == IpcFrames.DELIVER_SENDER_NODE) {
                    node = value(v);
                } else {
                    pid = value(v);
                }
            } else if (tag == IpcFrames.DELIVER_GROUP || tag == IpcFrames.DELIVER_PAYLOAD) {
                v = varint32(array, p, end);
                if (v < 0 || value(v) < 0 || value(v) > end - position(v)) {
                    return null;
                }
                p = position(v);
                int bytes = value(v);
                if (tag == IpcFrames.DELIVER_GROUP) {
                    group = names.decode(array, p, bytes);
                } else {
                    payloadAt = p;
                    payloadLength = bytes;
                }
                p += bytes;
            } else {
                return null;
            }
        }
        byte[] payload = payloadLength == 0 ? EMPTY : Arrays.copyOfRange(array, payloadAt, payloadAt + payloadLength);
        return new CpgEvent.Deliver(group, node, pid, payload);
    }

    /**
     * The varint at {@code p}, before {@code end}, as a uint32: its value in the low 32 bits of
     * the result and the position after it in the high ones; -1 when it is cut off by {@code end}
     * or does not fit 32 bits in 5 bytes (protobuf writes every uint32 that way).
     */
    private static long varint32(byte[] array, int p, int end) {
        int value = 0;
        for (int shift = 0; shift <= 28 && p < end; shift += 7) {
            int b = array[p++];
            value |= (b & 0x7F) << shift;
            if (b >= 0) {
                return shift == 28 && b > 0x0F ? -1 : ((long) p << 32) | (value & 0xFFFFFFFFL);
            }
        }
        return -1;
    }

    private static int value(long varint) {
        return (int) varint;
    }

    private static int position(long varint) {
        return (int) (varint >>> 32);
    }

    /**
     * The id of the request a plain OK reply (an id and error OK, nothing else) answers, or
     * {@link #NOT_AN_OK_REPLY} for any other frame.
     *
     * @throws IOException when the frame is not valid protobuf
     */
    static long okReplyId(byte[] array, int offset, int length) throws IOException {
        if (length == 0 || array[offset] != IpcFrames.SERVER_REPLY) {
            return NOT_AN_OK_REPLY;
        }
        CodedInputStream in = CodedInputStream.newInstance(array, offset + 1, length - 1);
        int limit = in.pushLimit(in.readRawVarint32());
        long id = 0;
        int error = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case IpcFrames.REPLY_ID -> id = in.readUInt64();
                case IpcFrames.REPLY_ERROR -> error = in.readUInt32();
                default -> {
                    return NOT_AN_OK_REPLY;
                }
            }
        }
        in.popLimit(limit);
        return in.isAtEnd() && error == CpgError.OK.code() && id >= 0 ? id : NOT_AN_OK_REPLY;
    }
}
