package dev.totem.cpg;

import dev.totem.protocol.api.Guarantee;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The CPG client API inside a node's JVM, without IPC: {@link CpgHandle}s over one
 * {@link CpgService}, whose events reach each handle's {@link CpgListener}.
 *
 * <p>Single-threaded, like the service: call it on the thread that owns the engine. The driver
 * feeds engine effects to the service, calls {@link CpgService#flush()}, then
 * {@link #dispatch()}; {@link CpgEngine} does all of it.
 */
public final class EmbeddedCpg {
    private final CpgService service;
    private final Consumer<CpgNotice> notices;
    private final TreeMap<ClientId, Handle> handles = new TreeMap<>();

    /**
     * @param service the node's service
     * @param notices receives the service's notices (to log them); disconnections also reach the handle's listener
     */
    public EmbeddedCpg(CpgService service, Consumer<CpgNotice> notices) {
        this.service = service;
        this.notices = notices;
    }

    /** The service the handles talk to. */
    public CpgService service() {
        return service;
    }

    /**
     * Opens a handle for process {@code client} (cpg_initialize).
     *
     * @throws IllegalStateException if that process already has an open handle here
     */
    public CpgHandle open(ClientId client, CpgListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is required");
        }
        if (handles.containsKey(client)) {
            throw new IllegalStateException(client + " already has an open CPG handle");
        }
        Handle h = new Handle(client, listener);
        handles.put(client, h);
        return h;
    }

    /** Handles open now. */
    public int openHandles() {
        return handles.size();
    }

    /**
     * Hands every waiting event to its handle's listener, and every notice to the notice
     * consumer. Listeners may call their handles meanwhile.
     *
     * @return the events handed over
     */
    public int dispatch() {
        int handed = 0;
        for (CpgNotice n : service.drainNotices()) {
            if (n instanceof CpgNotice.ClientDisconnected d) {
                Handle h = handles.remove(d.client());
                if (h != null) {
                    h.closed = true;
                    h.listener.onDisconnected(d.reason());
                }
            }
            notices.accept(n);
        }
        for (Handle h : List.copyOf(handles.values())) {
            CpgEvent e;
            while (!h.closed && (e = service.poll(h.id)) != null) {
                h.listener.accept(e);
                handed++;
            }
        }
        return handed;
    }

    private final class Handle implements CpgHandle {
        private final ClientId id;
        private final CpgListener listener;
        private boolean closed;

        Handle(ClientId id, CpgListener listener) {
            this.id = id;
            this.listener = listener;
        }

        @Override
        public ClientId clientId() {
            return id;
        }

        @Override
        public CpgResult join(String group) {
            return closed ? badHandle() : service.join(id, group);
        }

        @Override
        public CpgResult leave(String group) {
            return closed ? badHandle() : service.leave(id, group);
        }

        @Override
        public CpgResult mcast(String group, byte[] payload, Guarantee guarantee) {
            return closed ? badHandle() : service.mcast(id, group, payload, guarantee);
        }

        @Override
        public List<CpgAddress> membership(String group) {
            return service.membership(group);
        }

        @Override
        public SortedMap<String, List<CpgAddress>> groups() {
            return service.groupMembers();
        }

        @Override
        public int localNodeId() {
            return service.localNodeId();
        }

        @Override
        public ConnectionState state(String group) {
            return closed ? ConnectionState.UNJOINED : service.state(id, group);
        }

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                handles.remove(id);
                service.clientGone(id);
            }
        }

        private CpgResult badHandle() {
            return CpgResult.of(CpgError.BAD_HANDLE, "the CPG handle of " + id + " is closed");
        }
    }
}
