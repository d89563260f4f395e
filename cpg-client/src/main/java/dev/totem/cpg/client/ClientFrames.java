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

/**
 * The client's side of the three messages a streaming client handles most: it writes Mcast
 * requests and reads deliveries and OK replies field by field with protobuf's streams, the bytes
 * being those of {@code cpg_ipc.proto} (fields in number order, proto3 defaults left out), but
 * without a builder and message objects per message. Anything else, or anything unusual in these
 * (an unknown field, another field order), goes through the generated code.
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
     * anything else or has a field this client does not know.
     *
     * @throws IOException when the frame is not valid protobuf
     */
    static CpgEvent.Deliver delivery(byte[] array, int offset, int length, Utf8Names names) throws IOException {
        if (length == 0 || array[offset] != IpcFrames.SERVER_DELIVER) {
            return null;
        }
        CodedInputStream in = CodedInputStream.newInstance(array, offset + 1, length - 1);
        int limit = in.pushLimit(in.readRawVarint32());
        String group = "";
        int node = 0;
        int pid = 0;
        byte[] payload = EMPTY;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case IpcFrames.DELIVER_GROUP -> {
                    int bytes = in.readRawVarint32();
                    int at = offset + 1 + in.getTotalBytesRead();
                    in.skipRawBytes(bytes); // checks the length against the frame first
                    group = names.decode(array, at, bytes);
                }
                case IpcFrames.DELIVER_SENDER_NODE -> node = in.readUInt32();
                case IpcFrames.DELIVER_SENDER_PID -> pid = in.readUInt32();
                case IpcFrames.DELIVER_PAYLOAD -> payload = in.readByteArray();
                default -> {
                    return null;
                }
            }
        }
        in.popLimit(limit);
        return in.isAtEnd() ? new CpgEvent.Deliver(group, node, pid, payload) : null;
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
