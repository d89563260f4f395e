package dev.totem.node.cpg;

import dev.totem.cpg.ClientId;
import dev.totem.cpg.ConnectionState;
import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.protocol.api.Guarantee;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link CpgHandle} for code in the node's JVM, safe to call from any thread.
 *
 * <ul>
 *   <li>{@link #mcast} does not wait: it copies the payload into the node's bounded inbox and
 *       answers OK, or TRY_AGAIN when the inbox is full, in calls or in bytes (then nothing was
 *       queued). The loop hands
 *       queued multicasts to the service in order; one the service answers TRY_AGAIN (the ring
 *       is full or syncing) waits at the head of the inbox and is tried again, so an OK is never
 *       lost. Sizes and arguments are checked at once (TOO_BIG, INVALID_PARAM); a multicast the
 *       service refuses later (the handle left the group meanwhile) is dropped, logged and
 *       counted ({@link NodeCpg#mcastsDropped}).</li>
 *   <li>{@link #join}, {@link #leave}, {@link #close} queue behind the handle's multicasts and
 *       wait for the service's answer (a loop round trip). Called on the loop (in a listener),
 *       they run at once, or answer TRY_AGAIN while multicasts of this handle are still queued.</li>
 *   <li>{@link #membership}, {@link #groups} and {@link #state} ask the loop; {@link #localNodeId} does not.</li>
 *   <li>Listener callbacks run on the node's loop thread: keep them short (hand heavy work to
 *       another thread), as a slow callback delays the token.</li>
 * </ul>
 */
final class SharedHandle implements CpgHandle {
    private final NodeCpg node;
    private final ClientId id;
    private final CpgListener listener;
    private final int localNodeId;
    /** Calls of this handle in the node's inbox. */
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean closed;
    // Set on the loop when opened; read on the loop only.
    private CpgHandle inner;

    SharedHandle(NodeCpg node, ClientId id, CpgListener listener) {
        this.node = node;
        this.id = id;
        this.listener = listener;
        this.localNodeId = node.engine().service().localNodeId();
    }

    void attach(CpgHandle embedded) {
        this.inner = embedded;
    }

    CpgHandle inner() {
        return inner;
    }

    AtomicInteger queued() {
        return queued;
    }

    /** The listener the service calls (on the loop): marks the handle closed on disconnection. */
    CpgListener loopListener() {
        return new CpgListener() {
            @Override
            public void onDeliver(CpgEvent.Deliver deliver) {
                listener.onDeliver(deliver);
            }

            @Override
            public void onConfchg(CpgEvent.Confchg confchg) {
                listener.onConfchg(confchg);
            }

            @Override
            public void onTotemConfchg(CpgEvent.TotemConfchg totemConfchg) {
                listener.onTotemConfchg(totemConfchg);
            }

            @Override
            public void onDisconnected(String reason) {
                closed = true;
                node.release(id);
                listener.onDisconnected(reason);
            }
        };
    }

    @Override
    public ClientId clientId() {
        return id;
    }

    @Override
    public CpgResult join(String group) {
        return call("join", h -> h.join(group));
    }

    @Override
    public CpgResult leave(String group) {
        return call("leave", h -> h.leave(group));
    }

    @Override
    public CpgResult mcast(String group, byte[] payload, Guarantee guarantee) {
        if (closed) {
            return badHandle();
        }
        if (group == null || payload == null || guarantee == null) {
            return CpgResult.of(CpgError.INVALID_PARAM, "group, payload and guarantee are required");
        }
        int max = node.settings().config().messageBytesMax();
        if (payload.length > max) {
            return CpgResult.of(CpgError.TOO_BIG, "message of " + payload.length + " bytes is larger than the " + max
                    + " bytes a CPG message may have");
        }
        if (!node.offer(this, group, payload.clone(), guarantee)) {
            return CpgResult.of(CpgError.TRY_AGAIN, "the node's CPG inbox is full ("
                    + node.settings().inboxCallsMax() + " calls or " + NodeCpg.INBOX_BYTES_MAX + " bytes)");
        }
        return CpgResult.OK;
    }

    @Override
    public List<CpgAddress> membership(String group) {
        return node.onLoop(() -> node.engine().service().membership(group));
    }

    @Override
    public SortedMap<String, List<CpgAddress>> groups() {
        return node.onLoop(() -> node.engine().service().groupMembers());
    }

    @Override
    public int localNodeId() {
        return localNodeId;
    }

    @Override
    public ConnectionState state(String group) {
        return closed ? ConnectionState.UNJOINED : node.onLoop(() -> inner.state(group));
    }

    @Override
    public boolean closed() {
        return closed;
    }

    /**
     * Closes the handle after its queued calls (on the loop: at once, dropping them); its groups
     * see it leave with reason PROCDOWN.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        java.util.function.Function<CpgHandle, CpgResult> finish = h -> {
            h.close();
            node.release(id);
            return CpgResult.OK;
        };
        if (node.inLoop()) {
            node.callNow("a CPG close of " + id, () -> finish.apply(inner));
        } else if (!node.callQueued(this, finish).ok()) {
            // The inbox is full or the node slow: close at once, dropping the queued calls.
            node.onLoop(() -> node.callNow("a CPG close of " + id, () -> finish.apply(inner)));
        }
        closed = true;
    }

    private CpgResult call(String what, java.util.function.Function<CpgHandle, CpgResult> op) {
        if (closed) {
            return badHandle();
        }
        if (!node.inLoop()) {
            return node.callQueued(this, op);
        }
        if (queued.get() > 0) {
            return CpgResult.of(CpgError.TRY_AGAIN, "earlier multicasts of " + id + " are still queued");
        }
        return node.callNow("a CPG " + what + " of " + id, () -> op.apply(inner));
    }

    private CpgResult badHandle() {
        return CpgResult.of(CpgError.BAD_HANDLE, "the CPG handle of " + id + " is closed");
    }
}
