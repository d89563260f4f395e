package dev.totem.node.cpg;

import com.google.protobuf.CodedInputStream;
import dev.totem.cpg.ipc.IpcCodec;
import dev.totem.cpg.ipc.IpcFrames;
import dev.totem.cpg.ipc.wire.ClientMessage;
import dev.totem.protocol.api.Guarantee;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A client's multicast request (cpg_mcast_joined), its payload copied out of the read buffer.
 * {@link #read} takes the common form field by field, without the generated builders (a
 * streaming client sends hundreds of thousands a second); anything else is parsed by the
 * generated code and converted with {@link #of}.
 *
 * @param id the request's id, echoed in the reply
 * @param waitForRing keep the message until the ring takes it rather than answer TRY_AGAIN
 */
record McastRequest(long id, String group, Guarantee guarantee, boolean waitForRing, byte[] payload) {
    private static final byte[] EMPTY = new byte[0];

    /** The multicast of a generated message that has one. */
    static McastRequest of(ClientMessage m) {
        return new McastRequest(m.getId(), m.getMcast().getGroup(), IpcCodec.guarantee(m.getMcast().getGuarantee()),
                m.getMcast().getWait(), m.getMcast().getPayload().toByteArray());
    }

    /**
     * The multicast a {@code ClientMessage} frame carries, read field by field; null when the
     * frame is another request or not in the usual form (fields out of order, one this node does
     * not know, a guarantee it does not know): the generated code reads those.
     *
     * @throws IOException when the frame is not valid protobuf
     */
    static McastRequest read(ByteBuffer frame) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(frame);
        int tag = in.readTag();
        long id = 0;
        if (tag == IpcFrames.CLIENT_ID) {
            id = in.readUInt64();
            tag = in.readTag();
        }
        if (tag != IpcFrames.CLIENT_MCAST) {
            return null;
        }
        int limit = in.pushLimit(in.readRawVarint32());
        String group = "";
        int guarantee = 0;
        boolean wait = false;
        byte[] payload = EMPTY;
        for (tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case IpcFrames.MCAST_GROUP -> group = in.readStringRequireUtf8();
                case IpcFrames.MCAST_GUARANTEE -> guarantee = in.readEnum();
                case IpcFrames.MCAST_PAYLOAD -> payload = in.readByteArray();
                case IpcFrames.MCAST_WAIT -> wait = in.readBool();
                default -> {
                    return null;
                }
            }
        }
        in.popLimit(limit);
        if (!in.isAtEnd() || (guarantee != 0 && guarantee != 1)) {
            return null;
        }
        return new McastRequest(id, group, guarantee == 1 ? Guarantee.SAFE : Guarantee.AGREED, wait, payload);
    }
}
