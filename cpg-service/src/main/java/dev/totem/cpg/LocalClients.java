package dev.totem.cpg;

import dev.totem.cpg.wire.EntryState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The local clients of one node's {@link CpgService}: each one's state per group and its bounded
 * event queue, and per group the clients that receive its events. A client is known while it is
 * in a group or has events queued, so the registry stays as small as the live memberships. What
 * a state change means for the ring (PROCJOIN, PROCDOWN, ...) is the service's business.
 */
final class LocalClients {
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

    private final CpgConfig config;
    private final TreeMap<ClientId, Client> clients = new TreeMap<>();
    /** group -> local clients with a state other than UNJOINED in it. */
    private final TreeMap<String, TreeSet<ClientId>> byGroup = new TreeMap<>();
    /**
     * group -> its receivers (local clients JOIN_COMPLETED or LEAVE_STARTED in it), as
     * {@link #receivers} found them; cleared on every change of a client's state, so its keys are
     * always among {@link #byGroup}'s. Every delivery asks, joins and leaves are rare.
     */
    private final HashMap<String, List<ClientId>> receiversByGroup = new HashMap<>();
    /** Pairs of (client, group) in a state other than UNJOINED. */
    private int memberships;
    /** See {@link #takeQueuesFilling}. */
    private boolean queuesFilling;

    LocalClients(CpgConfig config) {
        this.config = config;
    }

    boolean contains(ClientId id) {
        return clients.containsKey(id);
    }

    /** Pairs of (client, group) in a state other than UNJOINED, against {@link CpgConfig#localMembershipsMax()}. */
    int memberships() {
        return memberships;
    }

    ConnectionState state(ClientId id, String group) {
        Client c = clients.get(id);
        return c == null ? ConnectionState.UNJOINED : c.state(group);
    }

    /** Sets {@code id}'s state in {@code group}; a client becomes known by its first state other than UNJOINED. */
    void setState(ClientId id, String group, ConnectionState s) {
        receiversByGroup.clear();
        if (s == ConnectionState.UNJOINED) {
            Client c = clients.get(id);
            if (c == null) {
                return;
            }
            if (c.groups.remove(group) != null) {
                memberships--;
            }
            unlink(group, id);
            forgetIfIdle(c);
            return;
        }
        Client c = clients.computeIfAbsent(id, Client::new);
        if (c.groups.put(group, s) == null) {
            memberships++;
        }
        byGroup.computeIfAbsent(group, g -> new TreeSet<>()).add(id);
    }

    /**
     * Forgets {@code id} with its queued events.
     *
     * @return its groups and its state in each (empty when it was not known)
     */
    Map<String, ConnectionState> remove(ClientId id) {
        Client c = clients.remove(id);
        if (c == null) {
            return Map.of();
        }
        receiversByGroup.clear();
        for (String group : c.groups.keySet()) {
            unlink(group, id);
        }
        memberships -= c.groups.size();
        return c.groups;
    }

    /** The clients with a state other than UNJOINED in {@code group}, a copy in id order. */
    List<ClientId> inGroup(String group) {
        TreeSet<ClientId> local = byGroup.get(group);
        return local == null ? List.of() : List.copyOf(local);
    }

    /** The clients in at least one group, in id order. */
    List<ClientId> inAnyGroup() {
        List<ClientId> out = new ArrayList<>();
        for (Client c : clients.values()) {
            if (!c.groups.isEmpty()) {
                out.add(c.id);
            }
        }
        return out;
    }

    /** The clients that receive the group's deliveries and confchgs: JOIN_COMPLETED or LEAVE_STARTED in it. */
    List<ClientId> receivers(String group) {
        // The cache first: its keys are among byGroup's, and a hash lookup of a name decoded
        // once costs less than a walk of byGroup's tree, on every delivery.
        List<ClientId> cached = receiversByGroup.get(group);
        if (cached != null) {
            return cached;
        }
        TreeSet<ClientId> local = byGroup.get(group);
        if (local == null) {
            return List.of();
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

    /** Every (pid, group, state) of the clients, as a JOINLIST states them. */
    List<Exec.Entry> entries() {
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

    /**
     * Queues {@code event} for {@code id} (nothing when it is not known).
     *
     * @return the reason it does not fit, when the client's queue is at its bound; null otherwise
     */
    String enqueue(ClientId id, CpgEvent event) {
        Client c = clients.get(id);
        if (c == null) {
            return null;
        }
        if (c.queue.size() >= config.clientQueueEventsMax() || c.queuedBytes + event.sizeBytes() > config.clientQueueBytesMax()) {
            return "its event queue is full (" + c.queue.size() + " events, " + c.queuedBytes
                    + " B not taken): the client does not keep up";
        }
        c.queue.add(event);
        c.queuedBytes += event.sizeBytes();
        if (2L * c.queue.size() >= config.clientQueueEventsMax() || 2 * c.queuedBytes >= config.clientQueueBytesMax()) {
            queuesFilling = true;
        }
        return null;
    }

    /** The next event of {@code id}, or null when it has none. */
    CpgEvent poll(ClientId id) {
        Client c = clients.get(id);
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

    /** Events waiting for {@code id}. */
    int queuedEvents(ClientId id) {
        Client c = clients.get(id);
        return c == null ? 0 : c.queue.size();
    }

    /** Whether a client's event queue passed half its bound since the last call; clears it. */
    boolean takeQueuesFilling() {
        boolean filling = queuesFilling;
        queuesFilling = false;
        return filling;
    }

    private void unlink(String group, ClientId id) {
        TreeSet<ClientId> local = byGroup.get(group);
        if (local != null && local.remove(id) && local.isEmpty()) {
            byGroup.remove(group);
        }
    }

    private void forgetIfIdle(Client c) {
        if (c.groups.isEmpty() && c.queue.isEmpty()) {
            clients.remove(c.id);
        }
    }
}
