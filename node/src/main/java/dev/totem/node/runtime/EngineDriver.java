package dev.totem.node.runtime;

import dev.totem.membership.MembershipState;
import dev.totem.membership.TotemProcessor;
import dev.totem.node.cpg.NodeCpg;
import dev.totem.node.runtime.NodeCounters.Stat;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import io.netty.channel.EventLoop;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Drives a node's engine on its event loop: hands it each input (frames, timers, submits, the CPG
 * clients' callbacks) with the time, and applies the effects it answers with, in list order.
 * It exists so that {@link TotemNode} keeps the life cycle and the public API while the hot path
 * from an input to its effects lies in one place. Event loop only; the CPG layer borrows it as
 * its {@link NodeCpg.Loop}.
 */
final class EngineDriver implements NodeCpg.Loop, PauseWatch.Backlog {
    /** Submits of one drain that share a reading of the clock. */
    static final int SUBMITS_PER_CLOCK_READ = 64;

    /** The processor, for its state before each input (logged with an engine failure). */
    private final TotemProcessor engine;
    /** What the loop drives: the top of the stack, under the CPG service or not. */
    private final TotemEngine driven;
    /** The CPG layer on top of the engine stack, or null when the node runs without it. */
    private final NodeCpg cpg;
    private final EventLoop loop;
    private final NodeLog log;
    private final NodeCounters counters;
    private final SubmitQueue submits;
    private final NodeEvents events;
    private final NetworkReport networkReport;
    private final FrameWriter writer;
    private final Networks networks;
    private final LoopTimers timers;
    /** Whether the node has closed (its phase), read before the CPG callbacks run. */
    private final BooleanSupplier closed;
    private final NodeLog.Limiter engineErrorLimiter = new NodeLog.Limiter();
    private boolean engineRunning;
    /** A task to run the CPG clients' callbacks is queued on the loop. */
    private boolean cpgDispatchScheduled;
    private MembershipState stateBeforeInput = MembershipState.GATHER;
    /** Deliveries of services other than CPG on a CPG ring ({@link ClusterReload}); none before it is set. */
    private Consumer<Effect.Deliver> serviceMessages = d -> { };
    /** The time of the submits of one drain (a drain is a stretch). */
    private final StretchClock submitClock = new StretchClock(System::nanoTime, SUBMITS_PER_CLOCK_READ);

    /**
     * Builds the frame writer and the timers here: both call back into this driver (a token for
     * ourselves, a timer that went off).
     */
    EngineDriver(EngineStack stack, TotemEngine driven, NodeCpg cpg, Networks networks, int nodeId, EventLoop loop,
            NodeLog log, NodeCounters counters, SubmitQueue submits, NodeEvents events, NetworkReport networkReport,
            BooleanSupplier closed) {
        this.engine = stack.processor();
        this.driven = driven;
        this.cpg = cpg;
        this.loop = loop;
        this.log = log;
        this.counters = counters;
        this.submits = submits;
        this.events = events;
        this.networkReport = networkReport;
        this.closed = closed;
        this.timers = new LoopTimers((task, delayNanos) -> loop.schedule(task, delayNanos, TimeUnit.NANOSECONDS),
                this::timerFired);
        this.writer = new FrameWriter(stack, networks, nodeId, this::sendToSelf);
        this.networks = networks;
    }

    /** Whether the engine runs (started, not left or closed). */
    @Override
    public boolean running() {
        return engineRunning;
    }

    /** Starts the engine; the node's start, once on the loop. */
    void startEngine() {
        engineRunning = true;
        stateBeforeInput = engine.state();
        try {
            apply(driven.start(System.nanoTime()));
        } catch (RuntimeException e) {
            engineFailed("start", e);
        }
    }

    /**
     * Runs the engine's leave (its frames flushed) and stops taking inputs.
     *
     * @return false when the engine was not running, and nothing was done
     */
    boolean leaveEngine() {
        if (!engineRunning) {
            return false;
        }
        stateBeforeInput = engine.state();
        try {
            apply(driven.leave(System.nanoTime()));
        } catch (RuntimeException e) {
            engineFailed("leave", e);
        }
        engineRunning = false;
        return true;
    }

    /** The node closes: no more inputs, the queued submits dropped, every timer disarmed. */
    void stop() {
        engineRunning = false;
        submits.clearOnLoop();
        timers.disarmAll();
    }

    // ------------------------------------------------------------------ inputs

    void onFrame(long nowNanos, int network, ByteBuffer frame, int length) {
        if (engineRunning) {
            packetInput(nowNanos, network, frame, length);
        }
    }

    private void packetInput(long nowNanos, int network, ByteBuffer frame, int length) {
        stateBeforeInput = engine.state();
        Effects effects;
        try {
            effects = driven.onPacket(nowNanos, network, frame);
        } catch (RuntimeException e) {
            engineFailed("a " + length + "-byte frame", e);
            return;
        }
        apply(effects);
        retryBlockedSubmits();
    }

    /** A token for ourselves (a ring of one): through the loop, never re-entering the engine. */
    private void sendToSelf(byte[] frame, int network) {
        loop.execute(() -> {
            if (engineRunning) {
                packetInput(System.nanoTime(), network, ByteBuffer.wrap(frame), frame.length);
            }
        });
    }

    /** The frames read next were queued during a pause of {@code pausedNanos} ({@link PauseWatch}). */
    @Override
    public void paused(long pausedNanos) {
        rareInput("a pause", now -> driven.onPause(now, pausedNanos));
    }

    /** The frames queued during the pause have all been read. */
    @Override
    public void read() {
        rareInput("the end of a pause's backlog", driven::onPauseBacklogRead);
    }

    @Override
    public boolean takeReadsMayRemain() {
        return networks.takeReadsMayRemain();
    }

    /** Who takes the deliveries of services other than CPG on a CPG ring; call before start. */
    void serviceMessages(Consumer<Effect.Deliver> handler) {
        this.serviceMessages = handler;
    }

    /**
     * Sends a message of a service other than CPG in the total order ({@code CpgEngine.submitService}).
     *
     * @return the engine's answer; {@link SubmitStatus#NOT_READY} when the engine does not run
     * @throws IllegalStateException when the node runs no CPG service
     */
    SubmitStatus submitService(byte[] message) {
        if (cpg == null) {
            throw new IllegalStateException("no CPG service: the ring's messages carry no service number");
        }
        return rareInput("a service's message", now -> cpg.engine().submitService(now, message, Guarantee.AGREED));
    }

    /** The operator reloaded the tunables ({@link TotemEngine#reloadTunables}). */
    void reloadTunablesInput(TotemConfig reloaded) {
        rareInput("a reload of the tunables", now -> driven.reloadTunables(now, reloaded));
    }

    /**
     * An input other than the frequent ones (frames, timers, submits), given the time.
     *
     * @return the batch's submit status (a submit's answer), NOT_READY when the engine does not run or failed
     */
    private SubmitStatus rareInput(String what, LongFunction<Effects> input) {
        if (!engineRunning) {
            return SubmitStatus.NOT_READY;
        }
        stateBeforeInput = engine.state();
        Effects effects;
        try {
            effects = input.apply(System.nanoTime());
        } catch (RuntimeException e) {
            engineFailed(what, e);
            return SubmitStatus.NOT_READY;
        }
        SubmitStatus status = effects.submitStatus(); // read before the batch is applied
        apply(effects);
        return status;
    }

    private void timerFired(TimerKind kind) {
        if (!engineRunning) {
            return;
        }
        stateBeforeInput = engine.state();
        Effects effects;
        try {
            effects = driven.onTimer(System.nanoTime(), kind);
        } catch (RuntimeException e) {
            engineFailed("timer " + kind, e);
            return;
        }
        apply(effects);
        retryBlockedSubmits();
    }

    /** On the loop: the accepted submits to the engine, in order, as its send queue has room. */
    void drainSubmits() {
        submitClock.newStretch();
        if (submits.drain(this::submitOnLoop, this::submitDropped)) {
            loop.execute(this::drainSubmits);
        }
    }

    private void submitDropped(int bytes, SubmitStatus status) {
        counters.increment(Stat.SUBMITS_DROPPED);
        log.warning("a queued submit of " + bytes + " bytes was refused by the engine (" + status + ") and dropped");
    }

    /** After an input that may have made room (a token sends frames): the blocked submits again. */
    private void retryBlockedSubmits() {
        if (submits.blockedAndIdle()) {
            drainSubmits();
        }
    }

    private SubmitStatus submitOnLoop(byte[] payload, Guarantee guarantee) {
        if (!engineRunning) {
            return SubmitStatus.TRY_AGAIN; // kept queued: TotemNode.startOnLoop drains it once the engine runs
        }
        stateBeforeInput = engine.state();
        Effects effects;
        try {
            effects = driven.submit(submitClock.nowNanos(), payload, guarantee);
        } catch (RuntimeException e) {
            engineFailed("a submit of " + payload.length + " bytes", e);
            return SubmitStatus.NOT_READY;
        }
        SubmitStatus status = effects.submitStatus();
        apply(effects);
        return status;
    }

    /** Reports an exception thrown by the engine stack on {@code input}; the loop goes on. */
    @Override
    public void failed(String input, RuntimeException e) {
        engineFailed(input, e);
    }

    private void engineFailed(String input, RuntimeException e) {
        counters.increment(Stat.ENGINE_ERRORS);
        long left = engineErrorLimiter.admit(System.nanoTime());
        if (left >= 0) {
            log.error("ENGINE BUG: exception on " + input + " in state " + stateBeforeInput
                    + "; the input is dropped and the node keeps running"
                    + (left > 0 ? " (" + left + " more not logged)" : ""), e);
        }
    }

    // ------------------------------------------------------------------ effects

    /**
     * Applies a batch in order. Frames go on the wire before any listener runs (the engine lists
     * a token's frames and the token before the deliveries they allow). With CPG, the clients'
     * callbacks run later, in a loop task ({@link #dispatchCpg}): after the datagrams that are
     * already in, so a token that arrived behind a burst of frames is passed on before the
     * callbacks of that burst (their work, or encoding events for IPC clients) run.
     */
    @Override
    public void apply(Effects effects) {
        List<Effect> list = effects.list();
        for (int i = 0; i < list.size(); i++) {
            Effect effect = list.get(i);
            if (effect instanceof Effect.SendOn send) {
                writer.send(send.network(), send.destination(), send.frame());
                continue;
            } else if (effect instanceof Effect.Send send) {
                writer.send(0, send.destination(), send.frame());
                continue;
            }
            if (effect instanceof Effect.Deliver || effect instanceof Effect.ConfigurationChange
                    || effect instanceof Effect.TokenLost) {
                writer.flushIfWritten();
            }
            if (effect instanceof Effect.SetTimer set) {
                timers.arm(set.kind(), set.delayNanos());
            } else if (effect instanceof Effect.CancelTimer cancel) {
                timers.disarm(cancel.kind());
            } else if (effect instanceof Effect.Deliver deliver) {
                if (cpg != null) {
                    serviceMessages.accept(deliver); // the CPG layer keeps its own: what comes out is another service's
                } else {
                    events.delivered(deliver);
                }
            } else if (effect instanceof Effect.ConfigurationChange change) {
                events.configurationChanged(change);
            } else if (effect instanceof Effect.TokenLost lost) {
                events.tokenLost(lost, stateBeforeInput);
            } else if (effect instanceof Effect.Transition transition) {
                events.transition(transition, networkReport.logged(transition));
            }
        }
        writer.flush();
        if (cpg != null && cpg.takeDispatchWanted() && !cpgDispatchScheduled) {
            cpgDispatchScheduled = true;
            loop.execute(this::dispatchCpg);
        }
    }

    /** A loop task: the CPG clients' callbacks for the events queued so far; their effects in turn. */
    private void dispatchCpg() {
        cpgDispatchScheduled = false;
        if (closed.getAsBoolean()) {
            return;
        }
        stateBeforeInput = engine.state();
        Effects effects;
        try {
            effects = cpg.engine().dispatch(System.nanoTime());
        } catch (RuntimeException e) {
            engineFailed("the CPG clients' callbacks", e);
            return;
        }
        apply(effects);
    }
}
