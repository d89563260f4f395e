package dev.totem.node.cpg;

import dev.totem.cpg.ProtoWire;
import dev.totem.cpg.Utf8Names;
import dev.totem.cpg.ipc.IpcCodec;
import dev.totem.cpg.ipc.IpcFrames;
import dev.totem.cpg.ipc.wire.ClientMessage;
import dev.totem.protocol.api.Guarantee;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;

/**
 * A client's multicast request (cpg_mcast_joined), its payload copied out of the read buffer.
 * {@link #read} takes the common form byte by byte, without the generated parser (a
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
     * The multicast a {@code ClientMessage} frame (the buffer's bytes from its position to its
     * limit) carries, read byte by byte, its group name through {@code names}; null when the
     * frame is another request or not in the usual form (a field this node does not know, one cut
     * off or malformed, a guarantee it does not know, a group name that is not UTF-8): the
     * generated code reads those, and says what is wrong. The buffer's position is left alone.
     */
    static McastRequest read(ByteBuffer frame, Utf8Names names) {
        int p = frame.position();
        int end = frame.limit();
        long id = 0;
        if (p < end && frame.get(p) == IpcFrames.CLIENT_ID) {
            int after = ProtoWire.skipVarint64(frame, p + 1, end);
            if (after < 0) {
                return null;
            }
            id = ProtoWire.varint64(frame, p + 1);
            p = after;
        }
        if (p >= end || frame.get(p) != IpcFrames.CLIENT_MCAST) {
            return null;
        }
        long v = ProtoWire.varint32(frame, p + 1, end);
        // The Mcast must fill the rest of the frame exactly.
        if (v == ProtoWire.MALFORMED || ProtoWire.value(v) != end - ProtoWire.position(v)) {
            return null;
        }
        p = ProtoWire.position(v);
        String group = "";
        int guarantee = 0;
        boolean wait = false;
        byte[] payload = EMPTY;
        while (p < end) {
            int tag = frame.get(p++);
            v = ProtoWire.varint32(frame, p, end);
            if (v == ProtoWire.MALFORMED) {
                return null;
            }
            p = ProtoWire.position(v);
            int value = ProtoWire.value(v);
            switch (tag) {
                case IpcFrames.MCAST_GUARANTEE -> guarantee = value;
                case IpcFrames.MCAST_WAIT -> wait = value != 0;
                case IpcFrames.MCAST_GROUP, IpcFrames.MCAST_PAYLOAD -> {
                    if (value < 0 || value > end - p) {
                        return null;
                    }
                    if (tag == IpcFrames.MCAST_GROUP) {
                        try {
                            group = names.decode(frame, p, value);
                        } catch (CharacterCodingException e) {
                            return null;
                        }
                    } else {
                        payload = new byte[value];
                        frame.get(p, payload);
                    }
                    p += value;
                }
                default -> {
                    return null;
                }
            }
        }
        if (guarantee != 0 && guarantee != 1) {
            return null;
        }
        return new McastRequest(id, group, guarantee == 1 ? Guarantee.SAFE : Guarantee.AGREED, wait, payload);
    }
}
