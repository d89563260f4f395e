package dev.totem.protocol.api;

import java.nio.ByteBuffer;

/**
 * A pure, deterministic Totem processor as its drivers (node runtime, simulator) see it.
 *
 * <p>It never reads a clock, sleeps, starts a thread, opens a socket or uses a random source it
 * was not given. Every input carries the driver's current time in nanoseconds and returns the
 * {@link Effects} it produced. One thread owns an engine; it is not thread safe.
 */
public interface TotemEngine {
    /** This node's id (non-zero). */
    int nodeId();

    /** Starts the engine: first frames and timers. Called once, before any other input. */
    Effects start(long nowNanos);

    /**
     * A frame arrived on network {@code network} (an index, 0 first). {@code frame} holds it
     * between position and limit; the engine does not keep the buffer after returning. A
     * malformed frame is counted and dropped. An engine that sees one logical network (the Totem
     * processor) ignores the index; a layer over several networks (the redundant ring) uses it,
     * so every layer above it must pass the index down unchanged. That is why this form has no
     * default: a layer that forwarded only {@link #onPacket(long, ByteBuffer)} once sent every
     * frame to the redundant ring as network 0's.
     */
    Effects onPacket(long nowNanos, int network, ByteBuffer frame);

    /** As {@link #onPacket(long, int, ByteBuffer)} on network 0, for drivers with one network. */
    default Effects onPacket(long nowNanos, ByteBuffer frame) {
        return onPacket(nowNanos, 0, frame);
    }

    /**
     * As {@link #onPacket(long, int, ByteBuffer)} for a whole array the caller gives up: nobody
     * else holds or changes it, so the engine may keep it instead of a copy. A layer that makes
     * each frame anew (the crypto layer's opened frames) calls this; by default it is a plain
     * {@code onPacket} of the wrapped array.
     */
    default Effects onOwnedFrame(long nowNanos, int network, byte[] frame) {
        return onPacket(nowNanos, network, ByteBuffer.wrap(frame));
    }

    /** A timer armed by an earlier {@link Effect.SetTimer} fired. */
    Effects onTimer(long nowNanos, TimerKind timer);

    /**
     * The driver found that this process did not run for {@code pausedNanos} (it was stopped, or
     * starved of CPU), and the frames it hands over next were queued in its sockets meanwhile.
     * Until {@link #onPauseBacklogRead} a Totem processor drops the joins among them when the pause
     * was over half the token timeout, as corosync flushes membership messages after a pause: they
     * say what the others thought while this node was silent, and acted on now they make it fail
     * the nodes that failed it and form a ring alone before merging back. A layer over an engine
     * passes both inputs down; an engine without membership returns an empty batch.
     */
    default Effects onPause(long nowNanos, long pausedNanos) {
        return new Effects();
    }

    /** The frames queued during the pause {@link #onPause} reported have all been handed over. */
    default Effects onPauseBacklogRead(long nowNanos) {
        return new Effects();
    }

    /**
     * The operator reloaded the configuration: from now on the engine runs with the timeouts,
     * constants and flow-control limits of {@code reloaded} ({@link TotemConfig#withTunablesOf});
     * its sizes and queue bounds stay. A timer already armed runs out as armed and takes the new
     * value when it is next armed, so in a running ring the token timeout changes within a
     * rotation. Nodes may run with different values for a while, as they do while an operator
     * reloads one node after another; the order does not depend on them. A layer over an engine
     * passes it down; an engine without timers returns an empty batch.
     *
     * @throws IllegalArgumentException when {@code reloaded}'s window does not fit the engine's
     *     sort queue; nothing changed then
     */
    default Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
        return new Effects();
    }

    /**
     * The application asks to multicast {@code payload} with {@code guarantee}; the outcome is in
     * {@link Effects#submitStatus()}. An accepted message is never dropped by the engine.
     */
    Effects submit(long nowNanos, byte[] payload, Guarantee guarantee);

    /**
     * The node is shutting down cleanly: tell the others, so they form a new ring without
     * waiting for the token timeout. After this the engine ignores every input and returns no
     * effects. An engine without membership returns an empty batch.
     */
    default Effects leave(long nowNanos) {
        return new Effects();
    }
}
