package dev.totem.cpg;

import dev.totem.cpg.OwnMessages.Kind;
import dev.totem.cpg.OwnMessages.Outgoing;
import dev.totem.protocol.api.ByteSlice;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.SubmitStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Closed process groups over a Totem engine's ordered stream: corosync's CPG service (exec/cpg.c)
 * as a pure state machine. No clock, no threads, no sockets.
 *
 * <p><b>Inputs</b>: the engine's {@link Effect.Deliver} and {@link Effect.ConfigurationChange}
 * effects, in their order ({@link #onEffect}); the operations of local clients ({@link #join},
 * {@link #leave}, {@link #mcast}, {@link #clientGone}, {@link #disconnect}). <b>Outputs</b>:
 * messages for the ring, through the {@link SubmitPort} (synchronously for client operations, and
 * from {@link #flush()} for the service's own: JOINLISTs, PROCDOWNs, re-sent multicasts); per
 * client event queues ({@link #poll}); notices for the driver ({@link #drainNotices()}).
 *
 * <p><b>Driver loop</b>: after applying each engine batch, feed its effects here in order, then
 * call {@link #flush()}, then hand each client its events. Never call the service from inside
 * the port.
 *
 * <p><b>Sync</b>: at every regular configuration each member multicasts a JOINLIST of its
 * processes. Until the JOINLIST of every member has been delivered the service is
 * {@link SyncPhase#SYNCING}: it drops every group message it delivers (its own multicasts are
 * sent again after the sync) and refuses client operations with TRY_AGAIN, so that nothing
 * depends on the group tables, which may still differ between members. When the last JOINLIST
 * arrives every member replaces its table by the union of the JOINLISTs, at the same point of the
 * total order, and reports the difference to its clients (NODEDOWN, PROCDOWN, LEAVE, NODEUP,
 * JOIN), one confchg per changed group. When a configuration shrinks while the service is
 * synchronised, the processes of the nodes that left are reported at once, at the transitional
 * configuration (NODEDOWN, one confchg per group). See the module README for why the tables
 * agree.
 *
 * <p>Single-threaded: one thread (the one that owns the engine) calls everything.
 */
public final class CpgService {
    /** Longest group name in bytes of UTF-8: corosync's CPG_MAX_NAME_LENGTH. */
    public static final int GROUP_NAME_BYTES_MAX = 128;

    private static final CpgResult ENGINE_FULL = CpgResult.of(CpgError.TRY_AGAIN, "the ring's send queue is full");

    private final int localNodeId;
    private final CpgConfig config;
    private final OwnMessages own;
    private final LocalClients local;
    private final CpgStats stats = new CpgStats();

    /** The group table: every process of every group, as agreed at the last sync and changed since in total order. */
    private final GroupTable table = new GroupTable();
    /** Decodes the group names of delivered multicasts; consecutive ones of a group share a String. */
    private final Utf8Names groupNames = new Utf8Names();

    private SyncPhase phase = SyncPhase.NO_RING;
    /** The last regular configuration's ring, or null. */
    private RingId ring;
    private final ViewStamp viewStamp = new ViewStamp();
    /** Nodes of the current configuration (after a transitional one: its members). */
    private int[] configurationMembers = new int[0];
    /** The regular configuration whose JOINLISTs are being collected; null when no sync runs. */
    private RingId syncRing;
    private final TreeMap<Integer, List<Exec.Entry>> joinLists = new TreeMap<>();
    private final ArrayDeque<CpgNotice> notices = new ArrayDeque<>();
    private long noticesDropped;

    /**
     * @param localNodeId this node's id
     * @param config the limits
     * @param port how messages reach the engine
     */
    public CpgService(int localNodeId, CpgConfig config, SubmitPort port) {
        if (localNodeId == 0) {
            throw new IllegalArgumentException("node id 0 is reserved");
        }
        if (config == null || port == null) {
            throw new IllegalArgumentException("config and port are required");
        }
        this.localNodeId = localNodeId;
        this.config = config;
        this.own = new OwnMessages(port);
        this.local = new LocalClients(config);
    }

    /** This node's id (corosync's cpg_local_get). */
    public int localNodeId() {
        return localNodeId;
    }

    /** The limits. */
    public CpgConfig config() {
        return config;
    }

    /** The counters, live. */
    public CpgStats stats() {
        return stats;
    }

    /** Where the service stands with respect to the ring's configurations. */
    public SyncPhase phase() {
        return phase;
    }

    /**
     * This node's messages not yet delivered back: its JOINLIST waiting for the engine, messages
     * waiting to be sent again, and messages on their way round the ring.
     */
    public int outstandingMessages() {
        return own.outstanding();
    }

    /** The regular configuration whose JOINLISTs are being collected, or null when no sync runs. */
    public RingId syncRing() {
        return syncRing;
    }

    /** The ring of the last regular configuration, or null before the first. */
    public RingId ring() {
        return ring;
    }

    // ------------------------------------------------------------------ client operations

    /**
     * The client joins {@code group}: it becomes a member when its join is delivered, and gets
     * the confchg that lists it as joined.
     */
    public CpgResult join(ClientId client, String group) {
        CpgResult refused = admit(ClientOp.JOIN, client, group);
        if (refused != null) {
            return refused;
        }
        if (table.contains(group, new Member(localNodeId, client.pid()))) {
            return CpgResult.of(CpgError.TRY_AGAIN, "an earlier " + client + " has not finished leaving group \"" + group + "\"");
        }
        if (local.memberships() >= config.localMembershipsMax()) {
            return CpgResult.of(CpgError.NO_RESOURCES, "this node already has " + local.memberships()
                    + " group memberships, the most it keeps");
        }
        CpgResult r = submit(new Outgoing(Exec.encode(new Exec.ProcJoin(group, client.pid())), Guarantee.AGREED,
                Kind.PROCJOIN, group, client.pid()));
        if (r.ok()) {
            local.setState(client, group, ConnectionState.JOIN_STARTED);
        }
        return r;
    }

    /** The client leaves {@code group}; it gets the confchg that lists it as left, then no more. */
    public CpgResult leave(ClientId client, String group) {
        CpgResult refused = admit(ClientOp.LEAVE, client, group);
        if (refused != null) {
            return refused;
        }
        CpgResult r = submit(new Outgoing(Exec.encode(new Exec.ProcLeave(group, client.pid(), Reason.LEAVE)),
                Guarantee.AGREED, Kind.PROCLEAVE, group, client.pid()));
        if (r.ok()) {
            local.setState(client, group, ConnectionState.LEAVE_STARTED);
        }
        return r;
    }

    /**
     * The client multicasts {@code payload} to {@code group}, which it has joined (or is
     * joining). Every member, the sender included, delivers it in the ring's total order. The
     * guarantee passes through to the engine. TRY_AGAIN means nothing was queued.
     */
    public CpgResult mcast(ClientId client, String group, byte[] payload, Guarantee guarantee) {
        if (payload == null || guarantee == null) {
            return CpgResult.of(CpgError.INVALID_PARAM, "payload and guarantee are required");
        }
        if (payload.length > config.messageBytesMax()) {
            return CpgResult.of(CpgError.TOO_BIG, "message of " + payload.length + " bytes is larger than the "
                    + config.messageBytesMax() + " bytes a CPG message may have");
        }
        CpgResult refused = admit(ClientOp.MCAST, client, group);
        if (refused != null) {
            return refused;
        }
        if (own.counted() >= config.inflightMessagesMax()
                || own.outstandingBytes() + payload.length > config.inflightBytesMax()) {
            return CpgResult.of(CpgError.TRY_AGAIN, "this node has " + own.counted()
                    + " messages (" + own.outstandingBytes() + " B) on their way round the ring, the most it keeps");
        }
        if (own.engineFull()) {
            return ENGINE_FULL; // nothing left the queue since it was full: do not encode in vain
        }
        return submit(new Outgoing(Exec.encode(new Exec.Mcast(group, client.pid(), payload)), guarantee, Kind.MCAST,
                group, client.pid()));
    }

    /**
     * The client's process went away (it exited, or its connection closed) without leaving:
     * each of its groups sees it leave with reason PROCDOWN. Its queued events are dropped.
     */
    public void clientGone(ClientId client) {
        forget(client);
        flush();
    }

    /**
     * Disconnects a client that does not keep up (the driver saw its connection stall): as
     * {@link #clientGone}, and a {@link CpgNotice.ClientDisconnected} for the log.
     */
    public void disconnect(ClientId client, String reason) {
        if (dropClient(client, reason)) {
            flush();
        }
    }

    /** Disconnects a client; while effects are fed, so its PROCDOWNs wait for {@link #flush()}. */
    private boolean dropClient(ClientId client, String reason) {
        if (!local.contains(client)) {
            return false;
        }
        stats.clientsDisconnected++;
        notice(new CpgNotice.ClientDisconnected(client, reason));
        forget(client);
        return true;
    }

    /** Drops a client and queues a PROCDOWN for each group it is in or joining. */
    private void forget(ClientId client) {
        for (Map.Entry<String, ConnectionState> g : local.remove(client).entrySet()) {
            if (g.getValue() == ConnectionState.JOIN_STARTED || g.getValue() == ConnectionState.JOIN_COMPLETED) {
                // A leave already on its way (LEAVE_STARTED) says enough.
                own.defer(new Outgoing(Exec.encode(new Exec.ProcLeave(g.getKey(), client.pid(), Reason.PROCDOWN)),
                        Guarantee.AGREED, Kind.PROCDOWN, g.getKey(), client.pid()));
            }
        }
    }

    /** The members of {@code group} as this node knows them, sorted (corosync's cpg_membership_get). */
    public List<CpgAddress> membership(String group) {
        return table.membership(group);
    }

    /** How many groups have at least one member. */
    public int groupCount() {
        return table.size();
    }

    /** Every group with at least one member, sorted, with its members as {@link #membership} gives them. */
    public SortedMap<String, List<CpgAddress>> groupMembers() {
        return table.groupMembers();
    }

    /** The state of {@code client} in {@code group}. */
    public ConnectionState state(ClientId client, String group) {
        return local.state(client, group);
    }

    // ------------------------------------------------------------------ client events and notices

    /** The next event of {@code client}, or null when it has none. */
    public CpgEvent poll(ClientId client) {
        return local.poll(client);
    }

    /** Events waiting for {@code client}. */
    public int queuedEvents(ClientId client) {
        return local.queuedEvents(client);
    }

    /** The notices since the last call, oldest first. */
    public List<CpgNotice> drainNotices() {
        List<CpgNotice> out = new ArrayList<>(notices);
        notices.clear();
        return out;
    }

    /** Notices dropped because the driver did not drain them in time. */
    public long noticesDropped() {
        return noticesDropped;
    }

    // ------------------------------------------------------------------ engine side

    /** Feeds every effect of {@code effects} in order; effects other than deliveries and configurations are ignored. */
    public void onEffects(Effects effects) {
        for (Effect e : effects.list()) {
            onEffect(e);
        }
    }

    /** Feeds one engine effect; only {@link Effect.Deliver} and {@link Effect.ConfigurationChange} matter. */
    public void onEffect(Effect effect) {
        viewStamp.onEffect(effect);
        if (effect instanceof Effect.Deliver d) {
            onDeliver(d.sender(), d.payloadSlice(), d.guarantee());
        } else if (effect instanceof Effect.ConfigurationChange c) {
            own.configurationChanged();
            onConfigurationChange(c);
        }
    }

    /**
     * Submits what the service itself has to send: this node's JOINLIST first, then (once
     * synchronised) re-sent multicasts and PROCDOWNs, until the engine answers TRY_AGAIN. Call
     * it after feeding each batch of effects.
     */
    public void flush() {
        own.flush(phase == SyncPhase.SYNCED, o -> isMember(o.group(), o.pid()),
                reason -> notice(new CpgNotice.SubmitDropped(reason)));
    }

    private void onConfigurationChange(Effect.ConfigurationChange c) {
        if (syncRing != null) {
            stats.syncsAborted++;
            syncRing = null;
        }
        joinLists.clear();
        if (c.kind() == ConfigurationKind.TRANSITIONAL) {
            configurationMembers = c.members().clone();
            if (phase == SyncPhase.SYNCED) {
                phase = SyncPhase.TRANSITIONAL;
                nodesDown(c.left());
            }
            return;
        }
        ring = c.ring();
        configurationMembers = c.members().clone();
        phase = SyncPhase.SYNCING;
        syncRing = c.ring();
        stats.syncsStarted++;
        own.startSync(new Outgoing(Exec.encode(new Exec.JoinList(syncRing, local.entries())), Guarantee.AGREED,
                Kind.JOINLIST, "ring " + syncRing, 0));
    }

    /** At a transitional configuration, while synchronised: the processes of the nodes that left go, one confchg per group. */
    private void nodesDown(int[] left) {
        if (left.length > 0) {
            table.removeNodes(left, (group, remaining, gone) -> confchg(group, remaining, gone, List.of()));
        }
    }

    /**
     * A CPG message in the total order, read where it lies in the frame that carried it: a
     * delivery refers to its payload there, and whoever keeps it copies it.
     */
    private void onDeliver(int sender, ByteSlice message, Guarantee guarantee) {
        if (sender == localNodeId && !own.takeBack(message)) {
            stats.ownOrderMismatches++;
        }
        Exec e = Exec.decode(message.array(), message.offset(), message.length(), groupNames);
        if (e instanceof Exec.Malformed m) {
            stats.malformed++;
            notice(new CpgNotice.Malformed(sender, m.reason()));
            return;
        }
        if (e instanceof Exec.JoinList jl) {
            onJoinList(sender, jl);
            return;
        }
        if (phase != SyncPhase.SYNCED && phase != SyncPhase.TRANSITIONAL) {
            // The tables may differ between members now: act on nothing. What this drops is
            // either counted in a JOINLIST (joins, leaves) or sent again after the sync (our
            // own multicasts; the others' are sent again by their senders).
            stats.droppedWhileSyncing++;
            if (sender == localNodeId && e instanceof Exec.Mcast m) {
                stats.resendsQueued++;
                own.defer(new Outgoing(message.copy(), guarantee, Kind.RESEND, m.group(), m.pid()));
            }
            return;
        }
        if (!contains(configurationMembers, sender)) {
            stats.droppedFromLeftNode++;
            return;
        }
        if (e instanceof Exec.ProcJoin j) {
            procJoin(sender, j);
        } else if (e instanceof Exec.ProcLeave l) {
            procLeave(sender, l);
        } else if (e instanceof Exec.Mcast m) {
            deliver(sender, m);
        }
    }

    private void procJoin(int node, Exec.ProcJoin j) {
        Member m = new Member(node, j.pid());
        TreeSet<Member> members = table.add(j.group(), m);
        if (node == localNodeId) {
            ClientId id = ClientId.of(j.pid());
            if (local.state(id, j.group()) == ConnectionState.JOIN_STARTED) {
                local.setState(id, j.group(), ConnectionState.JOIN_COMPLETED);
            }
        }
        if (members != null) {
            confchg(j.group(), members, List.of(), List.of(m.address(Reason.JOIN)));
        }
    }

    private void procLeave(int node, Exec.ProcLeave l) {
        Member m = new Member(node, l.pid());
        TreeSet<Member> members = table.remove(l.group(), m);
        if (members != null) {
            confchg(l.group(), members, List.of(m.address(l.reason())), List.of());
        }
        if (node == localNodeId) {
            ClientId id = ClientId.of(l.pid());
            if (local.state(id, l.group()) == ConnectionState.LEAVE_STARTED) {
                local.setState(id, l.group(), ConnectionState.UNJOINED);
            }
        }
    }

    private void deliver(int node, Exec.Mcast m) {
        if (!table.contains(m.group(), new Member(node, m.pid()))) {
            stats.droppedNotMember++;
            return;
        }
        stats.messagesDelivered++;
        CpgEvent.Deliver event = new CpgEvent.Deliver(m.group(), node, m.pid(), m.bytes(), m.offset(), m.length());
        for (ClientId id : local.receivers(m.group())) {
            enqueue(id, event);
        }
    }

    private void onJoinList(int sender, Exec.JoinList jl) {
        if (syncRing == null || !jl.ring().equals(syncRing) || !contains(configurationMembers, sender)
                || joinLists.containsKey(sender)) {
            stats.joinListsIgnored++;
            return;
        }
        joinLists.put(sender, jl.entries());
        if (joinLists.size() == configurationMembers.length) {
            completeSync();
        }
    }

    /**
     * Every member's JOINLIST is in, at the same point of the total order everywhere: the table
     * becomes their union, and each changed group gets one confchg relative to what this node
     * had ({@link JoinListUnion}).
     */
    private void completeSync() {
        for (JoinListUnion.GroupChange change : JoinListUnion.changes(table.groups(), joinLists, configurationMembers)) {
            String group = change.group();
            TreeSet<Member> after = change.after();
            table.replace(group, after);
            // Local joins and leaves caught by the configuration change end here.
            for (ClientId id : local.inGroup(group)) {
                if (local.state(id, group) == ConnectionState.JOIN_STARTED && after.contains(new Member(localNodeId, id.pid()))) {
                    local.setState(id, group, ConnectionState.JOIN_COMPLETED);
                }
            }
            if (change.changed()) {
                confchg(group, after, change.left(), change.joined());
            }
            for (ClientId id : local.inGroup(group)) {
                if (local.state(id, group) == ConnectionState.LEAVE_STARTED && !after.contains(new Member(localNodeId, id.pid()))) {
                    local.setState(id, group, ConnectionState.UNJOINED);
                }
            }
        }
        phase = SyncPhase.SYNCED;
        syncRing = null;
        joinLists.clear();
        stats.syncsCompleted++;
        List<Integer> nodes = Arrays.stream(configurationMembers).boxed().toList();
        CpgEvent.TotemConfchg totem = new CpgEvent.TotemConfchg(ring, nodes);
        for (ClientId id : local.inAnyGroup()) {
            enqueue(id, totem);
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The refusal of a client operation by the state table of {@link ConnectionState} or by the
     * sync, or null when it may go ahead.
     */
    private CpgResult admit(ClientOp op, ClientId client, String group) {
        String badName = Exec.checkGroupName(group);
        if (badName != null) {
            return CpgResult.of(group != null && !group.isEmpty() ? CpgError.NAME_TOO_LONG : CpgError.INVALID_PARAM, badName);
        }
        CpgResult refused = op.refusal(state(client, group), client, group);
        return refused != null ? refused : notReady();
    }

    /** Why client operations must wait, or null when they may go ahead. */
    private CpgResult notReady() {
        return switch (phase) {
            case NO_RING -> CpgResult.of(CpgError.TRY_AGAIN, "this node is not in a ring yet");
            case SYNCING, TRANSITIONAL -> CpgResult.of(CpgError.TRY_AGAIN, "the ring is changing (CPG sync in progress)");
            case SYNCED -> !own.hasDeferred() ? null
                    : CpgResult.of(CpgError.TRY_AGAIN, "messages of this node wait to be sent again after the sync");
        };
    }

    private CpgResult submit(Outgoing o) {
        SubmitStatus st = own.submit(o);
        return switch (st) {
            case ACCEPTED -> CpgResult.OK;
            case TRY_AGAIN -> ENGINE_FULL;
            case TOO_LARGE -> CpgResult.of(CpgError.TOO_BIG, "the engine refused a message of " + o.bytes().length
                    + " bytes: configure it for at least CpgConfig.engineMessageBytesMax() = "
                    + config.engineMessageBytesMax());
            default -> CpgResult.of(CpgError.TRY_AGAIN, "the engine is not ready (" + st + ")");
        };
    }

    private boolean isMember(String group, int pid) {
        return table.contains(group, new Member(localNodeId, pid));
    }

    private void confchg(String group, TreeSet<Member> members, List<CpgAddress> left, List<CpgAddress> joined) {
        List<ClientId> to = local.receivers(group);
        if (to.isEmpty()) {
            return;
        }
        List<CpgAddress> list = new ArrayList<>(members.size());
        for (Member m : members) {
            list.add(m.address(Reason.UNDEFINED));
        }
        List<CpgAddress> l = new ArrayList<>(left);
        List<CpgAddress> j = new ArrayList<>(joined);
        Collections.sort(l);
        Collections.sort(j);
        CpgEvent.Confchg event = new CpgEvent.Confchg(group, list, l, j, viewStamp.current());
        for (ClientId id : to) {
            enqueue(id, event);
        }
    }

    private void enqueue(ClientId id, CpgEvent event) {
        String full = local.enqueue(id, event);
        if (full != null) {
            dropClient(id, full);
        }
    }

    /**
     * Whether a client's event queue passed half its bound since the last call; clears it. A
     * driver that hands events over later than each input ({@link CpgEngine#driverDispatches})
     * hands them over at once then, so a burst of deliveries in one input never fills a queue
     * of a client that keeps up.
     */
    public boolean takeQueuesFilling() {
        return local.takeQueuesFilling();
    }

    private void notice(CpgNotice n) {
        if (notices.size() >= config.noticesMax()) {
            notices.poll();
            noticesDropped++;
        }
        notices.add(n);
    }

    private static boolean contains(int[] sorted, int x) {
        return Arrays.binarySearch(sorted, x) >= 0;
    }
}
