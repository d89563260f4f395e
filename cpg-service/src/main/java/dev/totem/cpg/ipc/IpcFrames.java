package dev.totem.cpg.ipc;

import com.google.protobuf.WireFormat;
import dev.totem.cpg.CpgConfig;
import dev.totem.cpg.ipc.wire.ClientMessage;
import dev.totem.cpg.ipc.wire.Deliver;
import dev.totem.cpg.ipc.wire.Mcast;
import dev.totem.cpg.ipc.wire.Reply;
import dev.totem.cpg.ipc.wire.ServerMessage;

/**
 * How messages sit on a CPG IPC socket: each is a 4-byte big-endian length, then that many bytes
 * of one protobuf message ({@code ClientMessage} from a client, {@code ServerMessage} from the
 * node; see {@code cpg_ipc.proto}). The node refuses a frame above {@link #requestBytesMax}:
 * room for the largest payload the service takes and the request's other fields, so a payload
 * just over the service's limit still arrives and gets a TOO_BIG answer, and only a frame no
 * client library would send ends the connection.
 */
public final class IpcFrames {
    /** Bytes of the length prefix. */
    public static final int LENGTH_BYTES = 4;
    /**
     * The protocol version a client names in its Hello. 2: one OK Reply may answer several
     * streamed multicasts (its own request and every earlier one still unanswered).
     */
    public static final int PROTOCOL_VERSION = 2;
    /** Room for a request's fields besides the payload (id, group name, guarantee, tags). */
    public static final int REQUEST_OVERHEAD_BYTES_MAX = 4096;

    // Tags, (field number << 3) | wire type, of the fields that the hand-written readers and
    // writers of the hot messages handle (McastRequest, ServerFrames, ClientFrames): from the
    // generated code's field numbers, so they follow the schema; constants, for switch labels.
    private static final int VARINT = WireFormat.WIRETYPE_VARINT;
    private static final int BYTES = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    /** {@code ClientMessage.id}. */
    public static final int CLIENT_ID = ClientMessage.ID_FIELD_NUMBER << 3 | VARINT;
    /** {@code ClientMessage.mcast}. */
    public static final int CLIENT_MCAST = ClientMessage.MCAST_FIELD_NUMBER << 3 | BYTES;
    /** {@code Mcast.group}. */
    public static final int MCAST_GROUP = Mcast.GROUP_FIELD_NUMBER << 3 | BYTES;
    /** {@code Mcast.guarantee}. */
    public static final int MCAST_GUARANTEE = Mcast.GUARANTEE_FIELD_NUMBER << 3 | VARINT;
    /** {@code Mcast.payload}. */
    public static final int MCAST_PAYLOAD = Mcast.PAYLOAD_FIELD_NUMBER << 3 | BYTES;
    /** {@code Mcast.wait}. */
    public static final int MCAST_WAIT = Mcast.WAIT_FIELD_NUMBER << 3 | VARINT;
    /** {@code ServerMessage.reply}. */
    public static final int SERVER_REPLY = ServerMessage.REPLY_FIELD_NUMBER << 3 | BYTES;
    /** {@code ServerMessage.deliver}. */
    public static final int SERVER_DELIVER = ServerMessage.DELIVER_FIELD_NUMBER << 3 | BYTES;
    /** {@code Reply.id}. */
    public static final int REPLY_ID = Reply.ID_FIELD_NUMBER << 3 | VARINT;
    /** {@code Reply.error}. */
    public static final int REPLY_ERROR = Reply.ERROR_FIELD_NUMBER << 3 | VARINT;
    /** {@code Deliver.group}. */
    public static final int DELIVER_GROUP = Deliver.GROUP_FIELD_NUMBER << 3 | BYTES;
    /** {@code Deliver.sender_node}. */
    public static final int DELIVER_SENDER_NODE = Deliver.SENDER_NODE_FIELD_NUMBER << 3 | VARINT;
    /** {@code Deliver.sender_pid}. */
    public static final int DELIVER_SENDER_PID = Deliver.SENDER_PID_FIELD_NUMBER << 3 | VARINT;
    /** {@code Deliver.payload}. */
    public static final int DELIVER_PAYLOAD = Deliver.PAYLOAD_FIELD_NUMBER << 3 | BYTES;

    private IpcFrames() {}

    /** The largest request frame (without its length prefix) a node accepts under {@code config}. */
    public static int requestBytesMax(CpgConfig config) {
        return config.messageBytesMax() + REQUEST_OVERHEAD_BYTES_MAX;
    }
}
