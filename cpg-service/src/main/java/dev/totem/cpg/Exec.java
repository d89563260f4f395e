package dev.totem.cpg;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.totem.cpg.wire.EntryState;
import dev.totem.cpg.wire.ExecMessage;
import dev.totem.cpg.wire.JoinListEntry;
import dev.totem.cpg.wire.LeaveReason;
import dev.totem.protocol.api.RingId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The exec messages as the service handles them, and their encoding: a two-byte prefix
 * {@link #SERVICE_CPG}, {@link #VERSION}, then the protobuf {@link ExecMessage}.
 */
sealed interface Exec {
    /** corosync's service number for CPG; the first byte of every CPG message on the ring. */
    int SERVICE_CPG = 2;
    /** Version of the exec schema; the second byte. */
    int VERSION = 1;

    record ProcJoin(String group, int pid) implements Exec {}

    record ProcLeave(String group, int pid, Reason reason) implements Exec {}

    /** One entry of a JOINLIST. */
    record Entry(int pid, String group, EntryState state) {}

    record JoinList(RingId ring, List<Entry> entries) implements Exec {}

    /** A multicast; its payload is {@code length} bytes of {@code bytes} from {@code offset} (decoded: the message that carried it). */
    record Mcast(String group, int pid, byte[] bytes, int offset, int length) implements Exec {
        Mcast(String group, int pid, byte[] payload) {
            this(group, pid, payload, 0, payload.length);
        }

        /** A copy of the payload. */
        byte[] payload() {
            return java.util.Arrays.copyOfRange(bytes, offset, offset + length);
        }
    }

    /** A message that could not be decoded; {@code reason} says why. */
    record Malformed(String reason) implements Exec {}

    /** Tag of {@code ExecMessage.mcast} and its fields, from the generated field numbers. */
    int MCAST_TAG = ExecMessage.MCAST_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    int MCAST_GROUP_TAG = dev.totem.cpg.wire.Mcast.GROUP_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    int MCAST_PID_TAG = dev.totem.cpg.wire.Mcast.PID_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;
    int MCAST_PAYLOAD_TAG = dev.totem.cpg.wire.Mcast.PAYLOAD_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    /** The message's bytes on the ring; a multicast's payload is read during the call, not kept. */
    static byte[] encode(Exec e) {
        if (e instanceof Mcast m) {
            return encodeMcast(m.group(), m.pid(), m.bytes(), m.offset(), m.length());
        }
        ExecMessage.Builder b = ExecMessage.newBuilder();
        if (e instanceof ProcJoin j) {
            b.setProcJoin(dev.totem.cpg.wire.ProcJoin.newBuilder().setGroup(j.group()).setPid(j.pid()));
        } else if (e instanceof ProcLeave l) {
            b.setProcLeave(dev.totem.cpg.wire.ProcLeave.newBuilder().setGroup(l.group()).setPid(l.pid())
                    .setReason(l.reason() == Reason.LEAVE ? LeaveReason.LEAVE_REASON_LEAVE : LeaveReason.LEAVE_REASON_PROCDOWN));
        } else if (e instanceof JoinList jl) {
            dev.totem.cpg.wire.JoinList.Builder lb = dev.totem.cpg.wire.JoinList.newBuilder()
                    .setRingRep(jl.ring().rep()).setRingSeq(jl.ring().seq());
            for (Entry en : jl.entries()) {
                lb.addEntries(JoinListEntry.newBuilder().setPid(en.pid()).setGroup(en.group()).setState(en.state()));
            }
            b.setJoinList(lb);
        } else {
            throw new IllegalArgumentException("cannot encode " + e);
        }
        ExecMessage msg = b.build();
        byte[] out = new byte[2 + msg.getSerializedSize()];
        out[0] = (byte) SERVICE_CPG;
        out[1] = (byte) VERSION;
        try {
            msg.writeTo(com.google.protobuf.CodedOutputStream.newInstance(out, 2, out.length - 2));
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("protobuf could not write into an array of its own size", ex);
        }
        return out;
    }

    /**
     * A multicast's bytes, as {@link #encode} would give for an {@link ExecMessage} with the
     * {@code Mcast} body (fields in number order, proto3 defaults left out), written byte by byte
     * ({@link ProtoWire}): this runs for every CPG message a node sends.
     */
    private static byte[] encodeMcast(String group, int pid, byte[] payload, int offset, int length) {
        byte[] name = group.getBytes(StandardCharsets.UTF_8);
        int body = (name.length == 0 ? 0 : 1 + ProtoWire.varintSize(name.length) + name.length)
                + (pid == 0 ? 0 : 1 + ProtoWire.uint32Size(pid))
                + (length == 0 ? 0 : 1 + ProtoWire.varintSize(length) + length);
        byte[] out = new byte[2 + 1 + ProtoWire.varintSize(body) + body];
        out[0] = (byte) SERVICE_CPG;
        out[1] = (byte) VERSION;
        out[2] = (byte) MCAST_TAG;
        int at = ProtoWire.putVarint(out, 3, body);
        if (name.length != 0) {
            at = ProtoWire.putBytesField(out, at, MCAST_GROUP_TAG, name, 0, name.length);
        }
        if (pid != 0) {
            at = ProtoWire.putVarintField(out, at, MCAST_PID_TAG, pid & 0xFFFFFFFFL);
        }
        if (length != 0) {
            ProtoWire.putBytesField(out, at, MCAST_PAYLOAD_TAG, payload, offset, length);
        }
        return out;
    }

    /**
     * A multicast read byte by byte (every node decodes every CPG message); null when the
     * message is not one multicast body in the usual form (another body, a field this node does
     * not know, a field cut off, more after the body, a group name that is not UTF-8): then the
     * generated parser reads it, and says what is wrong.
     */
    private static Exec decodeMcast(byte[] bytes, int at, int length, Utf8Names names) {
        int end = at + length;
        int p = at + 2;
        if (p >= end || bytes[p] != MCAST_TAG) {
            return null;
        }
        long v = ProtoWire.varint32(bytes, p + 1, end);
        // The body must fill the rest of the message exactly.
        if (v == ProtoWire.MALFORMED || ProtoWire.value(v) != end - ProtoWire.position(v)) {
            return null;
        }
        p = ProtoWire.position(v);
        String group = "";
        int pid = 0;
        int payloadOffset = 0;
        int payloadLength = 0;
        while (p < end) {
            int tag = bytes[p++];
            v = ProtoWire.varint32(bytes, p, end);
            if (v == ProtoWire.MALFORMED) {
                return null;
            }
            p = ProtoWire.position(v);
            int value = ProtoWire.value(v);
            switch (tag) {
                case MCAST_PID_TAG -> pid = value;
                case MCAST_GROUP_TAG, MCAST_PAYLOAD_TAG -> {
                    if (value < 0 || value > end - p) {
                        return null;
                    }
                    if (tag == MCAST_GROUP_TAG) {
                        try {
                            group = names.decode(bytes, p, value);
                        } catch (java.nio.charset.CharacterCodingException e) {
                            return null;
                        }
                    } else {
                        // Left where it is: the delivery refers to it inside this message.
                        payloadOffset = p;
                        payloadLength = value;
                    }
                    p += value;
                }
                default -> {
                    return null;
                }
            }
        }
        String bad = checkMember(group, pid);
        return bad != null ? new Malformed("MCAST: " + bad) : new Mcast(group, pid, bytes, payloadOffset, payloadLength);
    }

    /** Decodes a delivered message; never throws: a bad message comes back as {@link Malformed}. */
    static Exec decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length, new Utf8Names());
    }

    /**
     * As {@link #decode(byte[])}, for the message that is {@code length} bytes of {@code bytes}
     * from {@code at} (a decoded multicast refers to its payload there), group names through
     * {@code names} (the service keeps one).
     */
    static Exec decode(byte[] bytes, int at, int length, Utf8Names names) {
        if (length < 2 || bytes[at] != SERVICE_CPG) {
            return new Malformed("not a CPG message (" + length + " B, first byte "
                    + (length == 0 ? "none" : Integer.toString(bytes[at] & 0xff)) + ")");
        }
        if (bytes[at + 1] != VERSION) {
            return new Malformed("CPG exec version " + (bytes[at + 1] & 0xff) + ", this node speaks " + VERSION);
        }
        ExecMessage m;
        try {
            Exec mcast = decodeMcast(bytes, at, length, names);
            if (mcast != null) {
                return mcast;
            }
            m = ExecMessage.parseFrom(CodedInputStream.newInstance(bytes, at + 2, length - 2));
        } catch (java.io.IOException ex) {
            // InvalidProtocolBufferException, the only IOException reading an array can throw.
            return new Malformed("undecodable exec message: " + ex.getMessage());
        }
        switch (m.getBodyCase()) {
            case PROC_JOIN -> {
                var j = m.getProcJoin();
                String bad = checkMember(j.getGroup(), j.getPid());
                return bad != null ? new Malformed("PROCJOIN: " + bad) : new ProcJoin(j.getGroup(), j.getPid());
            }
            case PROC_LEAVE -> {
                var l = m.getProcLeave();
                String bad = checkMember(l.getGroup(), l.getPid());
                if (bad != null) {
                    return new Malformed("PROCLEAVE: " + bad);
                }
                Reason r = switch (l.getReason()) {
                    case LEAVE_REASON_LEAVE -> Reason.LEAVE;
                    case LEAVE_REASON_PROCDOWN -> Reason.PROCDOWN;
                    default -> null;
                };
                return r == null ? new Malformed("PROCLEAVE with reason " + l.getReasonValue()) : new ProcLeave(l.getGroup(), l.getPid(), r);
            }
            case JOIN_LIST -> {
                var jl = m.getJoinList();
                List<Entry> entries = new ArrayList<>(jl.getEntriesCount());
                for (JoinListEntry en : jl.getEntriesList()) {
                    String bad = checkMember(en.getGroup(), en.getPid());
                    if (bad != null || en.getState() == EntryState.UNRECOGNIZED) {
                        return new Malformed("JOINLIST entry: " + (bad != null ? bad : "unknown state " + en.getStateValue()));
                    }
                    entries.add(new Entry(en.getPid(), en.getGroup(), en.getState()));
                }
                return new JoinList(new RingId(jl.getRingRep(), jl.getRingSeq()), List.copyOf(entries));
            }
            case MCAST -> {
                var mc = m.getMcast();
                String bad = checkMember(mc.getGroup(), mc.getPid());
                return bad != null ? new Malformed("MCAST: " + bad) : new Mcast(mc.getGroup(), mc.getPid(), mc.getPayload().toByteArray());
            }
            default -> {
                return new Malformed("exec message with no known body");
            }
        }
    }

    /** Why a (group, pid) pair from the wire is unusable, or null. */
    private static String checkMember(String group, int pid) {
        if (pid <= 0) {
            return "pid " + Integer.toUnsignedString(pid) + " out of range";
        }
        return checkGroupName(group);
    }

    /** Why {@code group} is not a valid group name, or null. */
    static String checkGroupName(String group) {
        if (group == null || group.isEmpty()) {
            return "empty group name";
        }
        if (group.length() * 3 <= CpgService.GROUP_NAME_BYTES_MAX) {
            return null; // a UTF-16 unit is at most three bytes of UTF-8: short enough without encoding it
        }
        int bytes = group.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > CpgService.GROUP_NAME_BYTES_MAX) {
            return "group name of " + bytes + " bytes, longer than " + CpgService.GROUP_NAME_BYTES_MAX;
        }
        return null;
    }
}
