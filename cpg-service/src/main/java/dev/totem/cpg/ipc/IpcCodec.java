package dev.totem.cpg.ipc;

import com.google.protobuf.UnsafeByteOperations;
import dev.totem.cpg.ConnectionState;
import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.Reason;
import dev.totem.cpg.ipc.wire.Address;
import dev.totem.cpg.ipc.wire.Confchg;
import dev.totem.cpg.ipc.wire.Deliver;
import dev.totem.cpg.ipc.wire.GroupMembers;
import dev.totem.cpg.ipc.wire.Reply;
import dev.totem.cpg.ipc.wire.ServerMessage;
import dev.totem.cpg.ipc.wire.TotemConfchg;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Conversions between the CPG API types and the IPC messages of {@code cpg_ipc.proto}, shared by
 * the node's server and the client library so both read the wire the same way.
 */
public final class IpcCodec {
    private static final CpgError[] ERRORS = CpgError.values();

    private IpcCodec() {}

    /** The wire form of a guarantee. */
    public static dev.totem.cpg.ipc.wire.Guarantee wire(Guarantee g) {
        return g == Guarantee.SAFE ? dev.totem.cpg.ipc.wire.Guarantee.GUARANTEE_SAFE
                : dev.totem.cpg.ipc.wire.Guarantee.GUARANTEE_AGREED;
    }

    /** A guarantee from the wire; an unknown value reads as agreed. */
    public static Guarantee guarantee(dev.totem.cpg.ipc.wire.Guarantee g) {
        return g == dev.totem.cpg.ipc.wire.Guarantee.GUARANTEE_SAFE ? Guarantee.SAFE : Guarantee.AGREED;
    }

    /** The wire form of a connection state. */
    public static dev.totem.cpg.ipc.wire.ConnectionState wire(ConnectionState s) {
        return dev.totem.cpg.ipc.wire.ConnectionState.forNumber(s.ordinal());
    }

    /** A connection state from the wire; an unknown value reads as UNJOINED. */
    public static ConnectionState state(dev.totem.cpg.ipc.wire.ConnectionState s) {
        int n = s == dev.totem.cpg.ipc.wire.ConnectionState.UNRECOGNIZED ? 0 : s.getNumber();
        return n < ConnectionState.values().length ? ConnectionState.values()[n] : ConnectionState.UNJOINED;
    }

    /** An error code from corosync's numeric value; an unknown one reads as INVALID_PARAM. */
    public static CpgError error(int code) {
        for (CpgError e : ERRORS) {
            if (e.code() == code) {
                return e;
            }
        }
        return CpgError.INVALID_PARAM;
    }

    /** A reply to request {@code id} with the service's answer. */
    public static Reply.Builder reply(long id, CpgResult result) {
        return Reply.newBuilder().setId(id).setError(result.error().code()).setDetail(result.detail());
    }

    /** The answer a reply carries. */
    public static CpgResult result(Reply reply) {
        CpgError e = error(reply.getError());
        return e == CpgError.OK ? CpgResult.OK : CpgResult.of(e, reply.getDetail());
    }

    /** The wire form of one address. */
    public static Address wire(CpgAddress a) {
        return Address.newBuilder().setNodeId(a.nodeId()).setPid(a.pid()).setReason(a.reason().code()).build();
    }

    /** Addresses in wire form, in order. */
    public static List<Address> wire(List<CpgAddress> list) {
        List<Address> out = new ArrayList<>(list.size());
        for (CpgAddress a : list) {
            out.add(wire(a));
        }
        return out;
    }

    /** Addresses from the wire, in order; an unknown reason reads as UNDEFINED. */
    /** Groups and their members, for a GroupsGet reply. */
    public static List<GroupMembers> wireGroups(SortedMap<String, List<CpgAddress>> groups) {
        List<GroupMembers> out = new ArrayList<>(groups.size());
        for (Map.Entry<String, List<CpgAddress>> g : groups.entrySet()) {
            out.add(GroupMembers.newBuilder().setGroup(g.getKey()).addAllMembers(wire(g.getValue())).build());
        }
        return out;
    }

    /** The groups of a GroupsGet reply, by name. */
    public static SortedMap<String, List<CpgAddress>> groups(List<GroupMembers> list) {
        SortedMap<String, List<CpgAddress>> out = new TreeMap<>();
        for (GroupMembers g : list) {
            out.put(g.getGroup(), addresses(g.getMembersList()));
        }
        return Collections.unmodifiableSortedMap(out);
    }

    public static List<CpgAddress> addresses(List<Address> list) {
        List<CpgAddress> out = new ArrayList<>(list.size());
        for (Address a : list) {
            Reason r = Reason.ofCode(a.getReason());
            out.add(new CpgAddress(a.getNodeId(), a.getPid(), r == null ? Reason.UNDEFINED : r));
        }
        return out;
    }

    /**
     * The message that carries {@code event} to a client. A delivery's payload is wrapped, not
     * copied: it is copied once, when the message is written out.
     */
    public static ServerMessage wire(CpgEvent event) {
        ServerMessage.Builder m = ServerMessage.newBuilder();
        if (event instanceof CpgEvent.Deliver d) {
            m.setDeliver(Deliver.newBuilder().setGroup(d.group()).setSenderNode(d.senderNode())
                    .setSenderPid(d.senderPid()).setPayload(UnsafeByteOperations.unsafeWrap(d.payloadView())));
        } else if (event instanceof CpgEvent.Confchg c) {
            m.setConfchg(Confchg.newBuilder().setGroup(c.group()).addAllMembers(wire(c.members()))
                    .addAllLeft(wire(c.left())).addAllJoined(wire(c.joined())).setView(c.view()));
        } else if (event instanceof CpgEvent.TotemConfchg t) {
            m.setTotemConfchg(TotemConfchg.newBuilder().setRingRep(t.ring().rep()).setRingSeq(t.ring().seq())
                    .addAllMembers(t.members()));
        }
        return m.build();
    }

    /** The event a server message carries, or null when it carries none (a reply, an error). */
    public static CpgEvent event(ServerMessage m) {
        switch (m.getBodyCase()) {
            case DELIVER -> {
                Deliver d = m.getDeliver();
                return new CpgEvent.Deliver(d.getGroup(), d.getSenderNode(), d.getSenderPid(), d.getPayload().toByteArray());
            }
            case CONFCHG -> {
                Confchg c = m.getConfchg();
                return new CpgEvent.Confchg(c.getGroup(), addresses(c.getMembersList()), addresses(c.getLeftList()),
                        addresses(c.getJoinedList()), c.getView());
            }
            case TOTEM_CONFCHG -> {
                TotemConfchg t = m.getTotemConfchg();
                return new CpgEvent.TotemConfchg(new RingId(t.getRingRep(), t.getRingSeq()), t.getMembersList());
            }
            default -> {
                return null;
            }
        }
    }
}
