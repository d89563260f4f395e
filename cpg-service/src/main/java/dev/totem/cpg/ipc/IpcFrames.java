package dev.totem.cpg.ipc;

import dev.totem.cpg.CpgConfig;

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
    /** The protocol version a client names in its Hello. */
    public static final int PROTOCOL_VERSION = 1;
    /** Room for a request's fields besides the payload (id, group name, guarantee, tags). */
    public static final int REQUEST_OVERHEAD_BYTES_MAX = 4096;

    private IpcFrames() {}

    /** The largest request frame (without its length prefix) a node accepts under {@code config}. */
    public static int requestBytesMax(CpgConfig config) {
        return config.messageBytesMax() + REQUEST_OVERHEAD_BYTES_MAX;
    }
}
