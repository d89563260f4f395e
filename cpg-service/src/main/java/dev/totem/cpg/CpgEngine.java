package dev.totem.cpg;

import dev.totem.protocol.api.ByteSlice;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A Totem engine with the CPG service on top: any driver of a {@link TotemEngine} (the node
 * runtime, the simulator) runs it unchanged. It passes the inner engine's effects through,
 * except CPG's deliveries, which the service consumes; configuration changes go both ways. The
 * service's messages go to the inner engine's {@code submit}, and what that returns joins the
 * same batch. Local processes reach the service through {@link #client}, which returns the
 * effects their operations caused.
 *
 * <p>Every message on a CPG ring begins with its service's number, as in corosync: CPG's is
 * {@link #SERVICE_CPG}. Raw {@link #submit} is refused ({@link SubmitStatus#NOT_READY}); a
 * node's own services (the cfg service's reload requests) send with {@link #submitService},
 * and their messages come out of every node's engine as plain deliveries for the driver.
 */
public final class CpgEngine implements TotemEngine {
    /** corosync's service number for CPG: the first byte of every CPG message on the ring. */
    public static final int SERVICE_CPG = Exec.SERVICE_CPG;

    private final TotemEngine inner;
    private final CpgService service;
    private final EmbeddedCpg cpg;
    private final Effects out = new Effects();
    /** Effects of the inner engine not yet handled, in the order it produced them. */
    private final ArrayDeque<Effect> pending = new ArrayDeque<>();
    private Consumer<Effect> tap = e -> { };
    private long nowNanos;
    /** Set while an input runs: listeners use their handles, never the engine itself. */
    private boolean busy;
    /** The driver calls {@link #dispatch} after sending each batch; inputs only queue the clients' events. */
    private boolean driverDispatches;
    private int dispatched;

    /**
     * @param inner the engine, not yet started; it must accept messages of
     *     {@link CpgConfig#engineMessageBytesMax()} bytes
     * @param config the service's limits
     * @param notices receives the service's notices (to log them)
     */
    public CpgEngine(TotemEngine inner, CpgConfig config, Consumer<CpgNotice> notices) {
        this.inner = inner;
        this.service = new CpgService(inner.nodeId(), config, this::submitToInner);
        this.cpg = new EmbeddedCpg(service, notices);
    }

    /** The engine underneath. */
    public TotemEngine inner() {
        return inner;
    }

    /** The CPG service this engine runs. */
    public CpgService service() {
        return service;
    }

    /** The client API of this node's processes. */
    public EmbeddedCpg cpg() {
        return cpg;
    }

    /**
     * Whether an input is running now: a listener callback runs inside one, and may call its
     * handle directly (its effects join the current batch), but must not call {@link #client}.
     */
    public boolean inInput() {
        return busy;
    }

    /**
     * Makes the driver responsible for running the clients' callbacks: inputs then only queue
     * their events, and {@link #dispatch} hands them over. A node runtime does this so that the
     * frames and the token of a batch leave before any callback runs: a callback's work (a
     * listener's, or encoding events for an IPC client) never holds the token. Call before start.
     */
    public void driverDispatches() {
        this.driverDispatches = true;
    }

    /**
     * With {@link #driverDispatches}: hands the clients the events queued so far (the callbacks
     * run inside this input, so they may call their handles); apply the effects it returns as
     * any other batch.
     */
    public Effects dispatch(long nowNanos) {
        dispatched = 0;
        return run(nowNanos, () -> dispatched = cpg.dispatch());
    }

    /** How many events the last {@link #dispatch} handed over; 0 means nothing waits. */
    public int dispatched() {
        return dispatched;
    }

    /**
     * Sees every delivery and configuration change of the inner engine just before the service
     * does (the simulator numbers them to name group views).
     */
    public void tap(Consumer<Effect> observer) {
        this.tap = observer == null ? e -> { } : observer;
    }

    /**
     * Runs local processes' calls ({@code action} gets the client API) at {@code nowNanos};
     * returns the effects they caused, for the driver to apply as any engine batch.
     */
    public Effects client(long nowNanos, Consumer<EmbeddedCpg> action) {
        return run(nowNanos, () -> action.accept(cpg));
    }

    @Override
    public int nodeId() {
        return inner.nodeId();
    }

    @Override
    public Effects start(long nowNanos) {
        return run(nowNanos, () -> take(inner.start(nowNanos)));
    }

    // The network index and the ownership of the array go down unchanged: the redundant ring
    // below judges each network by what arrives on it, and an owned array spares the ring a copy.
    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        return run(nowNanos, () -> take(inner.onPacket(nowNanos, network, frame)));
    }

    @Override
    public Effects onOwnedFrame(long nowNanos, int network, byte[] frame) {
        return run(nowNanos, () -> take(inner.onOwnedFrame(nowNanos, network, frame)));
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        return run(nowNanos, () -> take(inner.onTimer(nowNanos, timer)));
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        out.clear();
        out.submitStatus(SubmitStatus.NOT_READY);
        return out;
    }

    /**
     * Sends {@code message} of a service other than CPG (its first byte: the service's number,
     * as corosync's cfg service is 1) in the total order: every node's engine delivers it as a
     * plain {@link Effect.Deliver} to its driver instead of feeding it to the CPG service. The
     * outcome is in {@link Effects#submitStatus()}.
     *
     * @throws IllegalArgumentException when {@code message} is empty or names CPG: a CPG message
     *     goes through the service, which keeps its exec messages in order with its tables
     */
    public Effects submitService(long nowNanos, byte[] message, Guarantee guarantee) {
        if (message.length == 0 || (message[0] & 0xFF) == SERVICE_CPG) {
            throw new IllegalArgumentException("a service message begins with a service number other than CPG's ("
                    + SERVICE_CPG + ")");
        }
        SubmitStatus[] status = {SubmitStatus.NOT_READY};
        Effects batch = run(nowNanos, () -> status[0] = submitToInner(message, guarantee));
        batch.submitStatus(status[0]);
        return batch;
    }

    @Override
    public Effects leave(long nowNanos) {
        return run(nowNanos, () -> take(inner.leave(nowNanos)));
    }

    @Override
    public Effects onPause(long nowNanos, long pausedNanos) {
        return run(nowNanos, () -> take(inner.onPause(nowNanos, pausedNanos)));
    }

    @Override
    public Effects onPauseBacklogRead(long nowNanos) {
        return run(nowNanos, () -> take(inner.onPauseBacklogRead(nowNanos)));
    }

    @Override
    public Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
        return run(nowNanos, () -> take(inner.reloadTunables(nowNanos, reloaded)));
    }

    /** Runs one input: the inner engine's effects, the service's, and the clients' callbacks. */
    private Effects run(long now, Runnable input) {
        if (busy) {
            throw new IllegalStateException("CpgEngine called from inside one of its own inputs (a listener must use its handle)");
        }
        busy = true;
        try {
            out.clear();
            nowNanos = now;
            input.run();
            drain();
        } finally {
            busy = false;
        }
        return out;
    }

    /** Whether a delivery is CPG's (an empty one too: the service counts it as malformed). */
    private static boolean isCpg(Effect.Deliver d) {
        ByteSlice m = d.payloadSlice();
        return m.length() == 0 || (m.array()[m.offset()] & 0xFF) == SERVICE_CPG;
    }

    /** The inner engine reuses its batch: copy the effects out at once. */
    private void take(Effects effects) {
        pending.addAll(effects.list());
    }

    private SubmitStatus submitToInner(byte[] message, Guarantee guarantee) {
        Effects e = inner.submit(nowNanos, message, guarantee);
        take(e);
        return e.submitStatus();
    }

    /** One delivery or configuration change to the service, then its events to the clients. */
    private void feed(Effect e) {
        tap.accept(e);
        SyncPhase before = service.phase();
        RingId syncing = service.syncRing();
        service.onEffect(e);
        if (service.phase() != before || !Objects.equals(service.syncRing(), syncing)) {
            out.add(new Effect.Transition("cpg", before.name(), service.phase().name(), phaseReason(e)));
        }
        if (!driverDispatches || service.takeQueuesFilling()) {
            cpg.dispatch(); // at once when a client's queue passed half its bound: it must not overflow
        }
    }

    private String phaseReason(Effect e) {
        if (e instanceof Effect.ConfigurationChange c) {
            return c.kind().traceName() + " configuration " + c.ring();
        }
        return service.phase() == SyncPhase.SYNCED ? "every JOINLIST of ring " + service.ring() + " delivered" : null;
    }

    private void drain() {
        do {
            Effect e;
            while ((e = pending.poll()) != null) {
                if (e instanceof Effect.Deliver d && isCpg(d)) {
                    feed(e);
                    continue;
                }
                out.add(e);
                if (e instanceof Effect.ConfigurationChange) {
                    feed(e);
                }
            }
            service.flush();
        } while (!pending.isEmpty());
        if (!driverDispatches) {
            cpg.dispatch();
        }
    }
}
