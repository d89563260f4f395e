package dev.totem.simulator;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

/**
 * A test engine that passes a token around a ring with timers, Totem-like in shape only: the
 * lowest member creates the token; a holder keeps it for the HOLD timer, then sends it to the
 * next member; every token received re-arms TOKEN_LOSS, and when that fires the node reports
 * the loss and sends a fresh token on. Lost or duplicated tokens are tolerated, not repaired.
 */
final class TokenRingEngine implements TotemEngine {
    static final long HOLD_NANOS = 200_000;
    static final long TOKEN_LOSS_NANOS = 10_000_000;

    private final int nodeId;
    private final int[] members;
    private final RandomGenerator random;
    private final Effects effects = new Effects();
    private final RingId ring;
    private long tokensSeen;
    private boolean holding;

    TokenRingEngine(int nodeId, int[] members, RandomGenerator random) {
        this.nodeId = nodeId;
        this.members = members.clone();
        this.random = random;
        this.ring = new RingId(members[0], 1);
    }

    static EngineFactory factory(int... members) {
        return (nodeId, store, random) -> new TokenRingEngine(nodeId, members, random);
    }

    long tokensSeen() {
        return tokensSeen;
    }

    @Override
    public int nodeId() {
        return nodeId;
    }

    @Override
    public Effects start(long nowNanos) {
        effects.clear();
        armTokenLoss();
        if (nodeId == members[0]) {
            takeToken();
        }
        return effects;
    }

    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        effects.clear();
        armTokenLoss();
        if (!holding) {
            takeToken();
        }
        return effects;
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        effects.clear();
        switch (timer) {
            case HOLD -> passToken();
            case TOKEN_LOSS -> {
                effects.add(new Effect.TokenLost(ring));
                effects.add(new Effect.Transition("ring", "operational", "regenerate", "token timeout"));
                armTokenLoss();
                passToken();
            }
            default -> throw new IllegalStateException("unexpected timer " + timer);
        }
        return effects;
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        effects.clear().submitStatus(SubmitStatus.NOT_READY);
        return effects;
    }

    private void takeToken() {
        tokensSeen++;
        holding = true;
        // Jitter from the engine's own stream, so the node streams show up in the trace timing.
        effects.add(new Effect.SetTimer(TimerKind.HOLD, HOLD_NANOS + random.nextLong(1_000)));
    }

    private void passToken() {
        holding = false;
        effects.add(new Effect.Send(next(), ByteBuffer.allocate(8).putLong(tokensSeen).array()));
    }

    private void armTokenLoss() {
        effects.add(new Effect.SetTimer(TimerKind.TOKEN_LOSS, TOKEN_LOSS_NANOS + nodeId * 1_000_000L));
    }

    private int next() {
        for (int i = 0; i < members.length; i++) {
            if (members[i] == nodeId) {
                return members[(i + 1) % members.length];
            }
        }
        throw new IllegalStateException("node " + nodeId + " is not a member");
    }
}
