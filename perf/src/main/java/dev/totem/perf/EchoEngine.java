package dev.totem.perf;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

/**
 * A trivial engine that keeps the simulated network busy at a constant load, to measure the
 * simulator rather than an engine.
 *
 * <p>{@link Pattern#UNICAST}: each node starts {@code framesPerNode} frames, and every frame
 * received is forwarded to a random other node, so the frames in flight stay constant.
 * {@link Pattern#MULTICAST}: each node multicasts a frame and multicasts the next one when its
 * own copy loops back, so each node has one multicast in flight, delivered to every node.
 */
public final class EchoEngine implements TotemEngine {
    /** Traffic shapes. */
    public enum Pattern {
        UNICAST,
        MULTICAST
    }

    private static final int FRAME_BYTES = 64;

    private final int nodeId;
    private final int nodeCount;
    private final Pattern pattern;
    private final int framesPerNode;
    private final RandomGenerator random;
    private final Effects effects = new Effects();

    /** An engine of node {@code nodeId} in a cluster of nodes 1..{@code nodeCount}. */
    public EchoEngine(int nodeId, int nodeCount, Pattern pattern, int framesPerNode, RandomGenerator random) {
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
        this.pattern = pattern;
        this.framesPerNode = framesPerNode;
        this.random = random;
    }

    @Override
    public int nodeId() {
        return nodeId;
    }

    @Override
    public Effects start(long nowNanos) {
        effects.clear();
        int frames = pattern == Pattern.MULTICAST ? 1 : framesPerNode;
        for (int i = 0; i < frames; i++) {
            sendNext();
        }
        return effects;
    }

    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        effects.clear();
        if (pattern == Pattern.UNICAST || frame.getInt(0) == nodeId) {
            sendNext();
        }
        return effects;
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        return effects.clear();
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        effects.clear().submitStatus(SubmitStatus.NOT_READY);
        return effects;
    }

    private void sendNext() {
        byte[] frame = new byte[FRAME_BYTES];
        ByteBuffer.wrap(frame).putInt(nodeId);
        effects.add(new Effect.Send(pattern == Pattern.MULTICAST ? Effect.MULTICAST : randomPeer(), frame));
    }

    private int randomPeer() {
        int peer = 1 + random.nextInt(nodeCount - 1);
        return peer >= nodeId ? peer + 1 : peer;
    }
}
