package dev.totem.cpg;

import dev.totem.cpg.wire.EntryState;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

    /** A process in the cluster-wide group table. */
    private record Member(int node, int pid) implements Comparable<Member> {
        @Override
        public int compareTo(Member o) {
            int c = Integer.compare(node, o.node);
            return c != 0 ? c : Integer.compare(pid, o.pid);
        }

        CpgAddress address(Reason reason) {
            return new CpgAddress(node, pid, reason);
        }
    }

    /** A message of this node on its way: waiting to be submitted, or submitted and not yet delivered back. */
    private record Outgoing(byte[] bytes, Guarantee guarantee, Kind kind, String group, int pid) {
        String what() {
            return kind + " " + pid + " " + group;
        }
    }

    private enum Kind { PROCJOIN, PROCLEAVE, PROCDOWN, JOINLIST, MCAST, RESEND }

    private static final CpgResult ENGINE_FULL = CpgResult.of(CpgError.TRY_AGAIN, "the ring's send queue is full");

    /** One local client: its state per group and its event queue. */
    private static final class Client {
        final ClientId id;
        final TreeMap<String, ConnectionState> groups = new TreeMap<>();
        final ArrayDeque<CpgEvent> queue = new ArrayDeque<>();
        long queuedBytes;

        Client(ClientId id) {
            this.id = id;
        }

        ConnectionState state(String group) {
            return groups.getOrDefault(group, ConnectionState.UNJOINED);
        }
    }

    private final int localNodeId;
    private final CpgConfig config;
    private final SubmitPort port;
    private final CpgStats stats = new CpgStats();

    /** The group table: every process of every group, as agreed at the last sync and changed since in total order. */
    private final TreeMap<String, TreeSet<Member>> table = new TreeMap<>();
    private final TreeMap<ClientId, Client> clients = new TreeMap<>();
    /** group -> local clients with a state other than UNJOINED in it. */
    private final TreeMap<String, TreeSet<ClientId>> localByGroup = new TreeMap<>();
    /**
     * group -> its receivers (local clients JOIN_COMPLETED or LEAVE_STARTED in it), as
     * {@link #receivers} found them; cleared on every change of a local client's state, so its
     * keys are always among {@link #localByGroup}'s. Every delivery asks, joins and leaves are rare.
     */
    private final HashMap<String, List<ClientId>> receiversByGroup = new HashMap<>();
    /** Decodes the group names of delivered multicasts; consecutive ones of a group share a String. */
    private final Utf8Names groupNames = new Utf8Names();
    private int localMemberships;

    private SyncPhase phase = SyncPhase.NO_RING;
    /** The last regular configuration's ring, or null. */
    private RingId ring;
    /** Nodes of the current configuration (after a transitional one: its members). */
    private int[] configurationMembers = new int[0];
    /** The regular configuration whose JOINLISTs are being collected; null when no sync runs. */
    private RingId syncRing;
    private final TreeMap<Integer, List<Exec.Entry>> joinLists = new TreeMap<>();

    /** This node's JOINLIST for {@link #syncRing}, until the engine accepts it. */
    private Outgoing pendingJoinList;
    /** Messages submitted only once synchronised: re-sent multicasts and PROCDOWNs, in order. */
    private final ArrayDeque<Outgoing> deferred = new ArrayDeque<>();
    /**
     * The engine's send queue refused a multicast: until one of this node's messages comes back
     * (frames left the queue) or the configuration changes, multicasts answer TRY_AGAIN without
     * being encoded, so callers that retry on every delivery cost little. With none of this
     * node's messages on their way, nothing would clear it: then multicasts try the engine.
     */
    private boolean engineFull;
    /** See {@link #takeQueuesFilling}. */
    private boolean queuesFilling;
    /** This node's messages accepted by the engine and not yet delivered back, in submit order. */
    private final ArrayDeque<Outgoing> inflight = new ArrayDeque<>();
    private long outstandingBytes;
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
        this.port = port;
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
        return (pendingJoinList == null ? 0 : 1) + deferred.size() + inflight.size();
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
        CpgResult refused = admit(Op.JOIN, client, group);
        if (refused != null) {
            return refused;
        }
        TreeSet<Member> members = table.get(group);
        if (members != null && members.contains(new Member(localNodeId, client.pid()))) {
            return CpgResult.of(CpgError.TRY_AGAIN, "an earlier " + client + " has not finished leaving group " + quote(group));
        }
        if (localMemberships >= config.localMembershipsMax()) {
            return CpgResult.of(CpgError.NO_RESOURCES, "this node already has " + localMemberships
                    + " group memberships, the most it keeps");
        }
        CpgResult r = submit(new Outgoing(Exec.encode(new Exec.ProcJoin(group, client.pid())), Guarantee.AGREED,
                Kind.PROCJOIN, group, client.pid()));
        if (r.ok()) {
            setState(clients.computeIfAbsent(client, Client::new), group, ConnectionState.JOIN_STARTED);
        }
        return r;
    }

    /** The client leaves {@code group}; it gets the confchg that lists it as left, then no more. */
    public CpgResult leave(ClientId client, String group) {
        CpgResult refused = admit(Op.LEAVE, client, group);
        if (refused != null) {
            return refused;
        }
        CpgResult r = submit(new Outgoing(Exec.encode(new Exec.ProcLeave(group, client.pid(), Reason.LEAVE)),
                Guarantee.AGREED, Kind.PROCLEAVE, group, client.pid()));
        if (r.ok()) {
            setState(clients.get(client), group, ConnectionState.LEAVE_STARTED);
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
        CpgResult refused = admit(Op.MCAST, client, group);
        if (refused != null) {
            return refused;
        }
        if (inflight.size() + deferred.size() >= config.inflightMessagesMax()
                || outstandingBytes + payload.length > config.inflightBytesMax()) {
            return CpgResult.of(CpgError.TRY_AGAIN, "this node has " + (inflight.size() + deferred.size())
                    + " messages (" + outstandingBytes + " B) on their way round the ring, the most it keeps");
        }
        if (engineFull && !inflight.isEmpty()) {
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
        if (!clients.containsKey(client)) {
            return false;
        }
        stats.clientsDisconnected++;
        notice(new CpgNotice.ClientDisconnected(client, reason));
        forget(client);
        return true;
    }

    /** Drops a client and queues a PROCDOWN for each group it is in or joining. */
    private void forget(ClientId client) {
        Client c = clients.remove(client);
        if (c == null) {
            return;
        }
        for (Map.Entry<String, ConnectionState> g : c.groups.entrySet()) {
            String group = g.getKey();
            removeLocal(group, client);
            localMemberships--;
            if (g.getValue() == ConnectionState.JOIN_STARTED || g.getValue() == ConnectionState.JOIN_COMPLETED) {
                // A leave already on its way (LEAVE_STARTED) says enough.
                Outgoing o = new Outgoing(Exec.encode(new Exec.ProcLeave(group, client.pid(), Reason.PROCDOWN)),
                        Guarantee.AGREED, Kind.PROCDOWN, group, client.pid());
                deferred.add(o);
                outstandingBytes += o.bytes().length;
            }
        }
        c.groups.clear();
        c.queue.clear();
    }

    /** The members of {@code group} as this node knows them, sorted (corosync's cpg_membership_get). */
    public List<CpgAddress> membership(String group) {
        TreeSet<Member> members = table.get(group);
        if (members == null) {
            return List.of();
        }
        List<CpgAddress> out = new ArrayList<>(members.size());
        for (Member m : members) {
            out.add(m.address(Reason.UNDEFINED));
        }
        return Collections.unmodifiableList(out);
    }

    /** Every group with at least one member, sorted. */
    public List<String> groups() {
        return List.copyOf(table.keySet());
    }

    /** The state of {@code client} in {@code group}. */
    public ConnectionState state(ClientId client, String group) {
        Client c = clients.get(client);
        return c == null ? ConnectionState.UNJOINED : c.state(group);
    }

    // ------------------------------------------------------------------ client events and notices

    /** The next event of {@code client}, or null when it has none. */
    public CpgEvent poll(ClientId client) {
        Client c = clients.get(client);
        if (c == null) {
            return null;
        }
        CpgEvent e = c.queue.poll();
        if (e != null) {
            c.queuedBytes -= e.sizeBytes();
            forgetIfIdle(c);
        }
        return e;
    }

    /** Events waiting for {@code client}. */
    public int queuedEvents(ClientId client) {
        Client c = clients.get(client);
        return c == null ? 0 : c.queue.size();
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
        if (effect instanceof Effect.Deliver d) {
            onDeliver(d.sender(), d.payloadSlice(), d.guarantee());
        } else if (effect instanceof Effect.ConfigurationChange c) {
            engineFull = false;
            onConfigurationChange(c);
        }
    }

    /**
     * Submits what the service itself has to send: this node's JOINLIST first, then (once
     * synchronised) re-sent multicasts and PROCDOWNs, until the engine answers TRY_AGAIN. Call
     * it after feeding each batch of effects.
     */
    public void flush() {
        if (pendingJoinList != null) {
            SubmitStatus st = port.submit(pendingJoinList.bytes(), pendingJoinList.guarantee());
            if (st == SubmitStatus.TRY_AGAIN) {
                return;
            }
            if (st == SubmitStatus.ACCEPTED) {
                inflight.add(pendingJoinList);
                outstandingBytes += pendingJoinList.bytes().length;
            } else {
                notice(new CpgNotice.SubmitDropped(pendingJoinList.what() + ": engine answered " + st));
            }
            pendingJoinList = null;
        }
        if (phase != SyncPhase.SYNCED) {
            return;
        }
        while (!deferred.isEmpty()) {
            Outgoing o = deferred.peek();
            if (o.kind() == Kind.RESEND && !isMember(o.group(), o.pid())) {
                // A multicast of a process that left meanwhile: every receiver would drop it.
                deferred.poll();
                outstandingBytes -= o.bytes().length;
                continue;
            }
            SubmitStatus st = port.submit(o.bytes(), o.guarantee());
            if (st == SubmitStatus.TRY_AGAIN) {
                return;
            }
            deferred.poll();
            if (st == SubmitStatus.ACCEPTED) {
                inflight.add(o);
            } else {
                outstandingBytes -= o.bytes().length;
                notice(new CpgNotice.SubmitDropped(o.what() + ": engine answered " + st));
            }
        }
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
        // The JOINLIST states every membership; PROCDOWNs not yet sent are already counted in it.
        for (Iterator<Outgoing> it = deferred.iterator(); it.hasNext(); ) {
            Outgoing o = it.next();
            if (o.kind() == Kind.PROCDOWN) {
                it.remove();
                outstandingBytes -= o.bytes().length;
            }
        }
        pendingJoinList = new Outgoing(Exec.encode(new Exec.JoinList(syncRing, localEntries())), Guarantee.AGREED,
                Kind.JOINLIST, "ring " + syncRing, 0);
    }

    /** At a transitional configuration, while synchronised: the processes of the nodes that left go, one confchg per group. */
    private void nodesDown(int[] left) {
        if (left.length == 0) {
            return;
        }
        for (String group : List.copyOf(table.keySet())) {
            TreeSet<Member> members = table.get(group);
            List<CpgAddress> gone = new ArrayList<>();
            for (Iterator<Member> it = members.iterator(); it.hasNext(); ) {
                Member m = it.next();
                if (contains(left, m.node())) {
                    gone.add(m.address(Reason.NODEDOWN));
                    it.remove();
                }
            }
            if (!gone.isEmpty()) {
                confchg(group, members, gone, List.of());
            }
            if (members.isEmpty()) {
                table.remove(group);
            }
        }
    }

    /**
     * A CPG message in the total order, read where it lies in the frame that carried it: a
     * delivery refers to its payload there, and whoever keeps it copies it.
     */
    private void onDeliver(int sender, ByteSlice message, Guarantee guarantee) {
        if (sender == localNodeId) {
            takeInflight(message);
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
                Outgoing o = new Outgoing(message.copy(), guarantee, Kind.RESEND, m.group(), m.pid());
                deferred.add(o);
                outstandingBytes += o.bytes().length;
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
        TreeSet<Member> members = table.computeIfAbsent(j.group(), g -> new TreeSet<>());
        boolean added = members.add(m);
        if (node == localNodeId) {
            Client c = clients.get(ClientId.of(j.pid()));
            if (c != null && c.state(j.group()) == ConnectionState.JOIN_STARTED) {
                setState(c, j.group(), ConnectionState.JOIN_COMPLETED);
            }
        }
        if (added) {
            confchg(j.group(), members, List.of(), List.of(m.address(Reason.JOIN)));
        }
    }

    private void procLeave(int node, Exec.ProcLeave l) {
        Member m = new Member(node, l.pid());
        TreeSet<Member> members = table.get(l.group());
        if (members != null && members.remove(m)) {
            confchg(l.group(), members, List.of(m.address(l.reason())), List.of());
            if (members.isEmpty()) {
                table.remove(l.group());
            }
        }
        if (node == localNodeId) {
            Client c = clients.get(ClientId.of(l.pid()));
            if (c != null && c.state(l.group()) == ConnectionState.LEAVE_STARTED) {
                setState(c, l.group(), ConnectionState.UNJOINED);
            }
        }
    }

    private void deliver(int node, Exec.Mcast m) {
        TreeSet<Member> members = table.get(m.group());
        if (members == null || !members.contains(new Member(node, m.pid()))) {
            stats.droppedNotMember++;
            return;
        }
        stats.messagesDelivered++;
        CpgEvent.Deliver event = new CpgEvent.Deliver(m.group(), node, m.pid(), m.bytes(), m.offset(), m.length());
        for (ClientId id : receivers(m.group())) {
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
     * had. Reasons depend only on the JOINLISTs and the configuration, so they are the same at
     * every member for the same process.
     */
    private void completeSync() {
        TreeMap<String, TreeSet<Member>> next = new TreeMap<>();
        TreeSet<String> joining = new TreeSet<>();
        TreeSet<String> leaving = new TreeSet<>();
        for (Map.Entry<Integer, List<Exec.Entry>> list : joinLists.entrySet()) {
            int node = list.getKey();
            for (Exec.Entry en : list.getValue()) {
                String key = en.group() + '\0' + node + '\0' + en.pid();
                if (en.state() == EntryState.ENTRY_STATE_LEAVING) {
                    leaving.add(key);
                    continue;
                }
                if (en.state() == EntryState.ENTRY_STATE_JOINING) {
                    joining.add(key);
                }
                next.computeIfAbsent(en.group(), g -> new TreeSet<>()).add(new Member(node, en.pid()));
            }
        }
        TreeSet<String> groups = new TreeSet<>(table.keySet());
        groups.addAll(next.keySet());
        for (String group : groups) {
            TreeSet<Member> before = table.getOrDefault(group, new TreeSet<>());
            TreeSet<Member> after = next.getOrDefault(group, new TreeSet<>());
            List<CpgAddress> left = new ArrayList<>();
            for (Member m : before) {
                if (!after.contains(m)) {
                    Reason r = !contains(configurationMembers, m.node()) ? Reason.NODEDOWN
                            : leaving.contains(group + '\0' + m.node() + '\0' + m.pid()) ? Reason.LEAVE : Reason.PROCDOWN;
                    left.add(m.address(r));
                }
            }
            List<CpgAddress> joined = new ArrayList<>();
            for (Member m : after) {
                if (!before.contains(m)) {
                    joined.add(m.address(joining.contains(group + '\0' + m.node() + '\0' + m.pid()) ? Reason.JOIN : Reason.NODEUP));
                }
            }
            if (after.isEmpty()) {
                table.remove(group);
            } else {
                table.put(group, after);
            }
            // Local joins and leaves caught by the configuration change end here.
            for (ClientId id : List.copyOf(localByGroup.getOrDefault(group, new TreeSet<>()))) {
                Client c = clients.get(id);
                if (c != null && c.state(group) == ConnectionState.JOIN_STARTED && after.contains(new Member(localNodeId, id.pid()))) {
                    setState(c, group, ConnectionState.JOIN_COMPLETED);
                }
            }
            if (!left.isEmpty() || !joined.isEmpty()) {
                confchg(group, after, left, joined);
            }
            for (ClientId id : List.copyOf(localByGroup.getOrDefault(group, new TreeSet<>()))) {
                Client c = clients.get(id);
                if (c != null && c.state(group) == ConnectionState.LEAVE_STARTED && !after.contains(new Member(localNodeId, id.pid()))) {
                    setState(c, group, ConnectionState.UNJOINED);
                }
            }
        }
        phase = SyncPhase.SYNCED;
        syncRing = null;
        joinLists.clear();
        stats.syncsCompleted++;
        List<Integer> nodes = Arrays.stream(configurationMembers).boxed().toList();
        CpgEvent.TotemConfchg totem = new CpgEvent.TotemConfchg(ring, nodes);
        for (Client c : List.copyOf(clients.values())) {
            if (!c.groups.isEmpty()) {
                enqueue(c.id, totem);
            }
        }
    }

    /** This node's processes and their groups, as of this node's position in the total order (see JoinList). */
    private List<Exec.Entry> localEntries() {
        List<Exec.Entry> out = new ArrayList<>();
        for (Client c : clients.values()) {
            for (Map.Entry<String, ConnectionState> g : c.groups.entrySet()) {
                EntryState s = switch (g.getValue()) {
                    case JOIN_COMPLETED -> EntryState.ENTRY_STATE_MEMBER;
                    case JOIN_STARTED -> EntryState.ENTRY_STATE_JOINING;
                    case LEAVE_STARTED -> EntryState.ENTRY_STATE_LEAVING;
                    case UNJOINED -> null;
                };
                if (s != null) {
                    out.add(new Exec.Entry(c.id.pid(), g.getKey(), s));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private enum Op { JOIN, LEAVE, MCAST }

    /**
     * The refusal of a client operation by the state table of {@link ConnectionState} or by the
     * sync, or null when it may go ahead.
     */
    private CpgResult admit(Op op, ClientId client, String group) {
        String badName = Exec.checkGroupName(group);
        if (badName != null) {
            return CpgResult.of(group != null && !group.isEmpty() ? CpgError.NAME_TOO_LONG : CpgError.INVALID_PARAM, badName);
        }
        ConnectionState s = state(client, group);
        CpgError refusal = switch (op) {
            case JOIN -> s == ConnectionState.UNJOINED ? null : s == ConnectionState.LEAVE_STARTED ? CpgError.BUSY : CpgError.EXIST;
            case LEAVE -> s == ConnectionState.JOIN_COMPLETED ? null : s == ConnectionState.JOIN_STARTED ? CpgError.BUSY
                    : CpgError.NOT_EXIST;
            case MCAST -> s == ConnectionState.JOIN_STARTED || s == ConnectionState.JOIN_COMPLETED ? null : CpgError.NOT_EXIST;
        };
        if (refusal != null) {
            String where = switch (s) {
                case UNJOINED -> "is not in";
                case JOIN_STARTED -> "is still joining";
                case JOIN_COMPLETED -> "is already in";
                case LEAVE_STARTED -> "is leaving";
            };
            return CpgResult.of(refusal, "can't " + op.name().toLowerCase() + ": " + client + " " + where + " group "
                    + quote(group));
        }
        return notReady();
    }

    /** Why client operations must wait, or null when they may go ahead. */
    private CpgResult notReady() {
        return switch (phase) {
            case NO_RING -> CpgResult.of(CpgError.TRY_AGAIN, "this node is not in a ring yet");
            case SYNCING, TRANSITIONAL -> CpgResult.of(CpgError.TRY_AGAIN, "the ring is changing (CPG sync in progress)");
            case SYNCED -> deferred.isEmpty() ? null
                    : CpgResult.of(CpgError.TRY_AGAIN, "messages of this node wait to be sent again after the sync");
        };
    }

    private CpgResult submit(Outgoing o) {
        SubmitStatus st = port.submit(o.bytes(), o.guarantee());
        switch (st) {
            case ACCEPTED -> {
                inflight.add(o);
                outstandingBytes += o.bytes().length;
                return CpgResult.OK;
            }
            case TRY_AGAIN -> {
                engineFull = true;
                return ENGINE_FULL;
            }
            case TOO_LARGE -> {
                return CpgResult.of(CpgError.TOO_BIG, "the engine refused a message of " + o.bytes().length
                        + " bytes: configure it for at least CpgConfig.engineMessageBytesMax() = "
                        + config.engineMessageBytesMax());
            }
            default -> {
                return CpgResult.of(CpgError.TRY_AGAIN, "the engine is not ready (" + st + ")");
            }
        }
    }

    /** Our own message came back: it is no longer on its way. The engine keeps our submit order. */
    private void takeInflight(ByteSlice message) {
        engineFull = false;
        Outgoing head = inflight.poll();
        if (head == null || !message.contentEquals(head.bytes())) {
            stats.ownOrderMismatches++;
            return;
        }
        outstandingBytes -= head.bytes().length;
    }

    private boolean isMember(String group, int pid) {
        TreeSet<Member> members = table.get(group);
        return members != null && members.contains(new Member(localNodeId, pid));
    }

    /** Local clients that receive the group's deliveries and confchgs. */
    private List<ClientId> receivers(String group) {
        TreeSet<ClientId> local = localByGroup.get(group);
        if (local == null) {
            return List.of();
        }
        List<ClientId> cached = receiversByGroup.get(group);
        if (cached != null) {
            return cached;
        }
        List<ClientId> out = new ArrayList<>(local.size());
        for (ClientId id : local) {
            ConnectionState s = clients.get(id).state(group);
            if (s == ConnectionState.JOIN_COMPLETED || s == ConnectionState.LEAVE_STARTED) {
                out.add(id);
            }
        }
        List<ClientId> receivers = List.copyOf(out);
        receiversByGroup.put(group, receivers);
        return receivers;
    }

    private void confchg(String group, TreeSet<Member> members, List<CpgAddress> left, List<CpgAddress> joined) {
        List<ClientId> to = receivers(group);
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
        CpgEvent.Confchg event = new CpgEvent.Confchg(group, list, l, j);
        for (ClientId id : to) {
            enqueue(id, event);
        }
    }

    private void enqueue(ClientId id, CpgEvent event) {
        Client c = clients.get(id);
        if (c == null) {
            return;
        }
        if (c.queue.size() >= config.clientQueueEventsMax() || c.queuedBytes + event.sizeBytes() > config.clientQueueBytesMax()) {
            dropClient(id, "its event queue is full (" + c.queue.size() + " events, " + c.queuedBytes
                    + " B not taken): the client does not keep up");
            return;
        }
        c.queue.add(event);
        c.queuedBytes += event.sizeBytes();
        if (2L * c.queue.size() >= config.clientQueueEventsMax() || 2 * c.queuedBytes >= config.clientQueueBytesMax()) {
            queuesFilling = true;
        }
    }

    /**
     * Whether a client's event queue passed half its bound since the last call; clears it. A
     * driver that hands events over later than each input ({@link CpgEngine#driverDispatches})
     * hands them over at once then, so a burst of deliveries in one input never fills a queue
     * of a client that keeps up.
     */
    public boolean takeQueuesFilling() {
        boolean filling = queuesFilling;
        queuesFilling = false;
        return filling;
    }

    private void setState(Client c, String group, ConnectionState s) {
        receiversByGroup.clear();
        ConnectionState old = c.groups.getOrDefault(group, ConnectionState.UNJOINED);
        if (s == ConnectionState.UNJOINED) {
            c.groups.remove(group);
            removeLocal(group, c.id);
            if (old != ConnectionState.UNJOINED) {
                localMemberships--;
            }
            forgetIfIdle(c);
            return;
        }
        c.groups.put(group, s);
        localByGroup.computeIfAbsent(group, g -> new TreeSet<>()).add(c.id);
        if (old == ConnectionState.UNJOINED) {
            localMemberships++;
        }
    }

    private void removeLocal(String group, ClientId id) {
        receiversByGroup.clear();
        TreeSet<ClientId> local = localByGroup.get(group);
        if (local != null && local.remove(id) && local.isEmpty()) {
            localByGroup.remove(group);
        }
    }

    /** A client with no group and no event is forgotten, so the registry stays as small as the live memberships. */
    private void forgetIfIdle(Client c) {
        if (c.groups.isEmpty() && c.queue.isEmpty()) {
            clients.remove(c.id);
        }
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

    private static String quote(String group) {
        return "\"" + group + "\"";
    }
}
