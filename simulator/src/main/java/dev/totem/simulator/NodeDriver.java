package dev.totem.simulator;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Drives the engines of the nodes: turns events into engine inputs according to each node's
 * life state, and applies the effects that come back, in list order.
 *
 * <p>Engines are never called re-entrantly: every frame, timer and submit goes through the
 * event queue, even one due at the current instant.
 */
final class NodeDriver {
    private static final TimerKind[] TIMER_KINDS = TimerKind.values();
    /** {@link Effect.Send} goes on this network; {@link Effect.SendOn} names its own. */
    private static final int SEND_NETWORK = 0;

    private final EventQueue queue;
    private final SimNetwork[] networks;
    private final EngineFactory engineFactory;
    private final RandomStreams randomStreams;
    private final SimulationListener listener;

    NodeDriver(EventQueue queue, SimNetwork[] networks, EngineFactory engineFactory, RandomStreams randomStreams,
            SimulationListener listener) {
        this.queue = queue;
        this.networks = networks;
        this.engineFactory = engineFactory;
        this.randomStreams = randomStreams;
        this.listener = listener;
    }

    /** Starts a down node with a new engine on its store; nothing happens to a node that is not down. */
    void bringUp(long nowNanos, SimNode node) {
        if (node.state != NodeState.DOWN) {
            return;
        }
        boolean first = node.incarnations == 0;
        TotemEngine engine = engineFactory.create(node.nodeId, node.ringSeqStore,
                randomStreams.node(node.nodeId, node.incarnations));
        node.incarnations++;
        if (engine == null || engine.nodeId() != node.nodeId) {
            throw new IllegalStateException("the engine factory built " + engine + " for node " + node.nodeId);
        }
        node.engine = engine;
        node.state = NodeState.UP;
        listener.onNodeEvent(nowNanos, node.nodeId, first ? NodeEvent.START : NodeEvent.RESTART);
        apply(nowNanos, node, engine.start(nowNanos));
    }

    /** Discards the engine, its timers and what it buffered; nothing happens to a down node. */
    void crash(long nowNanos, SimNode node) {
        if (node.state == NodeState.DOWN) {
            return;
        }
        for (int kind = 0; kind < TIMER_KINDS.length; kind++) {
            disarm(node, kind);
        }
        if (node.state == NodeState.PAUSED) {
            dropBacklog(node);
        }
        node.engine = null;
        node.state = NodeState.DOWN;
        listener.onNodeEvent(nowNanos, node.nodeId, NodeEvent.CRASH);
    }

    /** Stops a running node in place; nothing happens to a node that is not up. */
    void pause(long nowNanos, SimNode node) {
        if (node.state != NodeState.UP) {
            return;
        }
        node.state = NodeState.PAUSED;
        node.pausedAtNanos = nowNanos;
        listener.onNodeEvent(nowNanos, node.nodeId, NodeEvent.PAUSE);
    }

    /**
     * Resumes a paused node, which first processes what arrived while it was paused, told by
     * {@link TotemEngine#onPause} that it is a backlog (the whole pause, where a node's tick sees
     * it up to a fifth of the token timeout shorter).
     */
    void resume(long nowNanos, SimNode node) {
        if (node.state != NodeState.PAUSED) {
            return;
        }
        node.state = NodeState.UP;
        listener.onNodeEvent(nowNanos, node.nodeId, NodeEvent.RESUME);
        PausedBacklog backlog = node.backlog();
        apply(nowNanos, node, node.engine.onPause(nowNanos, nowNanos - node.pausedAtNanos));
        for (int entry = 0; entry < backlog.size(); entry++) {
            if (!backlog.isTimer(entry)) {
                deliver(nowNanos, node, backlog.network(entry), backlog.frame(entry));
                continue;
            }
            int kind = backlog.takeDueTimer(entry);
            if (kind >= 0) {
                applyTimer(nowNanos, node, kind);
            }
        }
        backlog.clear();
        apply(nowNanos, node, node.engine.onPauseBacklogRead(nowNanos));
    }

    /** A frame copy reached {@code node} over {@code network}. */
    void packetArrived(long nowNanos, SimNode node, int network, byte[] frame) {
        switch (node.state) {
            case UP -> deliver(nowNanos, node, network, frame);
            case PAUSED -> {
                if (!node.backlog().addPacket(network, frame)) {
                    networks[network].stats().droppedSocketBufferFull++;
                }
            }
            case DOWN -> networks[network].stats().droppedReceiverDown++;
        }
    }

    /** The timer event in queue slot {@code slot} fired. */
    void timerFired(long nowNanos, SimNode node, int kind, int slot) {
        if (node.armedTimerSlots[kind] != slot) {
            throw new IllegalStateException("timer " + TIMER_KINDS[kind] + " of " + node + " fired from slot " + slot
                    + " but slot " + node.armedTimerSlots[kind] + " is armed");
        }
        node.armedTimerSlots[kind] = -1;
        switch (node.state) {
            case UP -> applyTimer(nowNanos, node, kind);
            case PAUSED -> node.backlog().addTimer(kind);
            case DOWN -> throw new IllegalStateException("timer fired on " + node + "; a crash disarms every timer");
        }
    }

    /** The application of {@code node} submits a message; a node that is not up answers NOT_READY. */
    void submit(long nowNanos, SimNode node, byte[] payload, Guarantee guarantee) {
        if (node.state != NodeState.UP) {
            listener.onSubmit(nowNanos, node.nodeId, payload, guarantee, SubmitStatus.NOT_READY);
            return;
        }
        Effects effects = node.engine.submit(nowNanos, payload, guarantee);
        listener.onSubmit(nowNanos, node.nodeId, payload, guarantee, effects.submitStatus());
        apply(nowNanos, node, effects);
    }

    /** An application call into the engine of {@code node}; it does not run unless the node is up. */
    void call(long nowNanos, SimNode node, NodeCall call) {
        if (node.state == NodeState.UP) {
            apply(nowNanos, node, call.apply(node.engine, nowNanos));
        }
    }

    private void deliver(long nowNanos, SimNode node, int network, byte[] frame) {
        networks[network].stats().delivered++;
        // Read-only: the copies of one multicast share a single array.
        apply(nowNanos, node, node.engine.onPacket(nowNanos, network, ByteBuffer.wrap(frame).asReadOnlyBuffer()));
    }

    private void applyTimer(long nowNanos, SimNode node, int kind) {
        apply(nowNanos, node, node.engine.onTimer(nowNanos, TIMER_KINDS[kind]));
    }

    private void apply(long nowNanos, SimNode node, Effects effects) {
        if (effects == null) {
            throw new IllegalStateException(node + " returned null effects");
        }
        List<Effect> list = effects.list();
        int count = list.size();
        for (int i = 0; i < count; i++) {
            Effect effect = list.get(i);
            if (effect instanceof Effect.Send send) {
                networks[SEND_NETWORK].send(nowNanos, node.nodeId, send.destination(), send.frame());
            } else if (effect instanceof Effect.SendOn sendOn) {
                if (sendOn.network() >= networks.length) {
                    throw new IllegalStateException(node + " sent on network " + sendOn.network() + " of "
                            + networks.length);
                }
                networks[sendOn.network()].send(nowNanos, node.nodeId, sendOn.destination(), sendOn.frame());
            } else if (effect instanceof Effect.SetTimer set) {
                arm(nowNanos, node, set.kind().ordinal(), set.delayNanos());
            } else if (effect instanceof Effect.CancelTimer cancel) {
                disarm(node, cancel.kind().ordinal());
            } else if (effect instanceof Effect.Deliver deliver) {
                listener.onDeliver(nowNanos, node.nodeId, deliver);
            } else if (effect instanceof Effect.ConfigurationChange change) {
                listener.onConfigurationChange(nowNanos, node.nodeId, change);
            } else if (effect instanceof Effect.TokenLost tokenLost) {
                listener.onTokenLost(nowNanos, node.nodeId, tokenLost);
            } else if (effect instanceof Effect.Transition transition) {
                listener.onTransition(nowNanos, node.nodeId, transition);
            }
        }
    }

    private void arm(long nowNanos, SimNode node, int kind, long delayNanos) {
        if (delayNanos < 0) {
            throw new IllegalStateException(node + " armed " + TIMER_KINDS[kind] + " with a negative delay: " + delayNanos);
        }
        disarm(node, kind);
        long dueNanos = delayNanos > Long.MAX_VALUE - nowNanos ? Long.MAX_VALUE : nowNanos + delayNanos;
        node.armedTimerSlots[kind] = queue.add(dueNanos, EventKind.TIMER, node.index, kind, null);
    }

    private void disarm(SimNode node, int kind) {
        int slot = node.armedTimerSlots[kind];
        if (slot >= 0) {
            queue.cancel(slot);
            node.armedTimerSlots[kind] = -1;
        }
        PausedBacklog backlog = node.backlogOrNull();
        if (backlog != null) {
            backlog.forgetTimer(kind);
        }
    }

    private void dropBacklog(SimNode node) {
        PausedBacklog backlog = node.backlog();
        for (int entry = 0; entry < backlog.size(); entry++) {
            if (!backlog.isTimer(entry)) {
                networks[backlog.network(entry)].stats().droppedReceiverDown++;
            }
        }
        backlog.clear();
    }
}
