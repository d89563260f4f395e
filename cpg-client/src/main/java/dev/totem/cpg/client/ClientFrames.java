package dev.totem.cpg.client;

import com.google.protobuf.CodedInputStream;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.ProtoWire;
import dev.totem.cpg.Utf8Names;
import dev.totem.cpg.ipc.IpcFrames;
import dev.totem.cpg.ipc.wire.Reply;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The client's side of the three messages a streaming client handles most, in the bytes of
 * {@code cpg_ipc.proto} but without a builder and message objects per message: it writes Mcast
 * requests and reads deliveries byte by byte ({@link ProtoWire}), and reads OK replies field by
 * field with protobuf's stream. Anything else, or anything unusual in these (an unknown field, a
 * malformed one), goes through the generated code.
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
        byte[] name = group.getBytes(StandardCharsets.UTF_8);
        int body = (name.length == 0 ? 0 : 1 + ProtoWire.varintSize(name.length) + name.length)
                + (guarantee == 0 ? 0 : 1 + ProtoWire.varintSize(guarantee)) // an enum: int32, sign-extended
                + (payload.length == 0 ? 0 : 1 + ProtoWire.varintSize(payload.length) + payload.length)
                + (wait ? 2 : 0);
        int message = (id == 0 ? 0 : 1 + ProtoWire.varintSize(id)) + 1 + ProtoWire.varintSize(body) + body;
        byte[] frame = new byte[IpcFrames.LENGTH_BYTES + message];
        ByteBuffer.wrap(frame).putInt(message);
        int at = IpcFrames.LENGTH_BYTES;
        if (id != 0) {
            at = ProtoWire.putVarintField(frame, at, IpcFrames.CLIENT_ID, id);
        }
        at = ProtoWire.putVarintField(frame, at, IpcFrames.CLIENT_MCAST, body); // the Mcast's tag and length
        if (name.length != 0) {
            at = ProtoWire.putBytesField(frame, at, IpcFrames.MCAST_GROUP, name, 0, name.length);
        }
        if (guarantee != 0) {
            at = ProtoWire.putVarintField(frame, at, IpcFrames.MCAST_GUARANTEE, guarantee);
        }
        if (payload.length != 0) {
            at = ProtoWire.putBytesField(frame, at, IpcFrames.MCAST_PAYLOAD, payload, 0, payload.length);
        }
        if (wait) {
            ProtoWire.putVarintField(frame, at, IpcFrames.MCAST_WAIT, 1);
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
        long v = ProtoWire.varint32(array, offset + 1, end);
        // The Deliver must fill the rest of the frame exactly.
        if (v == ProtoWire.MALFORMED || ProtoWire.value(v) != end - ProtoWire.position(v)) {
            return null;
        }
        int p = ProtoWire.position(v);
        String group = "";
        int node = 0;
        int pid = 0;
        int payloadAt = p;
        int payloadLength = 0;
        while (p < end) {
            int tag = array[p++];
            if (tag == IpcFrames.DELIVER_SENDER_NODE || tag == IpcFrames.DELIVER_SENDER_PID) {
                v = ProtoWire.varint32(array, p, end);
                if (v == ProtoWire.MALFORMED) {
                    return null;
                }
                p = ProtoWire.position(v);
                if (tag == IpcFrames.DELIVER_SENDER_NODE) {
                    node = ProtoWire.value(v);
                } else {
                    pid = ProtoWire.value(v);
                }
            } else if (tag == IpcFrames.DELIVER_GROUP || tag == IpcFrames.DELIVER_PAYLOAD) {
                v = ProtoWire.varint32(array, p, end);
                if (v == ProtoWire.MALFORMED || ProtoWire.value(v) < 0 || ProtoWire.value(v) > end - ProtoWire.position(v)) {
                    return null;
                }
                p = ProtoWire.position(v);
                int bytes = ProtoWire.value(v);
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
