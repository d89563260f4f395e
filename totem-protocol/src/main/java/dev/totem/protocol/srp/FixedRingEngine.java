package dev.totem.protocol.srp;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.pack.Assembler;
import dev.totem.protocol.pack.Packer;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.McastFrame;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;

/**
 * The ordering engine on a fixed ring, without membership: every node is a member from the
 * start and stays one. A lost token is reported ({@link Effect.TokenLost}) and then recovered by
 * token retransmission, which goes on until the token comes back. It is how the SRP layer is
 * proven on its own in the simulator; the membership module composes {@link OperationalRing}
 * into the full processor.
 */
public final class FixedRingEngine implements TotemEngine {
    /** Encapsulation needs a second MCAST header inside the payload during recovery. */
    public static final int ENCAPSULATION_RESERVE = McastFrame.PAYLOAD_OFFSET;

    private final TotemConfig config;
    private final int myId;
    private final int[] members;
    private final Effects effects = new Effects();
    private final SendQueue sendQueue;
    private final Packer packer;
    private final Assembler assembler;
    private final SrpStats stats = new SrpStats();
    private final Map<DecodeStatus, Long> rejected = new EnumMap<>(DecodeStatus.class);
    private final OperationalRing ring;

    public FixedRingEngine(TotemConfig config, int myId, int[] members) {
        this.config = config;
        this.myId = myId;
        this.members = members.clone();
        java.util.Arrays.sort(this.members);
        this.sendQueue = new SendQueue(config.sendQueueFramesMax());
        this.packer = new Packer(McastFrame.PAYLOAD_OFFSET,
                config.frameBytesMax() - McastFrame.PAYLOAD_OFFSET - ENCAPSULATION_RESERVE);
        this.assembler = new Assembler(config.messageBytesMax());
        this.ring = new OperationalRing(config, myId, new RingId(this.members[0], 1), this.members, 0, sendQueue,
                assembler, stats);
    }

    @Override
    public int nodeId() {
        return myId;
    }

    public SrpStats stats() {
        return stats;
    }

    /** Frames dropped by the decoder, by kind. */
    public Map<DecodeStatus, Long> rejected() {
        return rejected;
    }

    public OperationalRing ring() {
        return ring;
    }

    /** Frames waiting to be broadcast, the open packed frame included. */
    public int queuedFrames() {
        return sendQueue.size() + (packer.hasOpenFrame() ? 1 : 0);
    }

    @Override
    public Effects start(long nowNanos) {
        effects.clear();
        ring.armTokenLoss(effects);
        if (members[0] == myId) {
            ring.originateToken(nowNanos, effects);
        }
        return checked();
    }

    @Override
    public Effects onPacket(long nowNanos, ByteBuffer frame) {
        effects.clear();
        int offset = frame.position();
        int length = frame.remaining();
        DecodeStatus status = Frames.check(frame, offset, length);
        if (status != DecodeStatus.OK) {
            stats.framesRejected++;
            rejected.merge(status, 1L, Long::sum);
            return effects;
        }
        FrameType type = Frames.type(frame, offset);
        switch (type) {
            case ORF_TOKEN -> {
                if (sameRing(frame, offset)) {
                    flushPacker();
                    ring.onToken(nowNanos, frame, offset, effects);
                } else {
                    stats.tokensForeign++;
                }
            }
            case MCAST -> {
                if (sameRing(frame, offset)) {
                    byte[] copy = new byte[length];
                    frame.get(offset, copy, 0, length);
                    ring.onMcast(nowNanos, copy, effects);
                } else {
                    stats.framesForeign++;
                }
            }
            case TOKEN_HOLD_CANCEL -> {
                if (sameRing(frame, offset)) {
                    ring.onHoldCancel(effects);
                }
            }
            case JOIN, COMMIT_TOKEN, MERGE_DETECT -> {
                // A fixed ring has no membership; these belong to the full processor.
            }
        }
        return checked();
    }

    private boolean sameRing(ByteBuffer frame, int offset) {
        RingId r = ring.ringId();
        // Every ring-carrying frame has ring rep at 12 and ring seq at 16.
        return frame.getInt(offset + 12) == r.rep() && frame.getLong(offset + 16) == r.seq();
    }

    private void flushPacker() {
        packer.flush(sendQueue);
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        effects.clear();
        switch (timer) {
            case TOKEN_RETRANSMIT -> ring.onTokenRetransmitTimer(effects);
            case HOLD -> ring.onHoldTimer(effects);
            case TOKEN_LOSS -> {
                stats.tokensLost++;
                effects.add(new Effect.TokenLost(ring.ringId()));
                ring.armTokenLoss(effects);
            }
            case JOIN, CONSENSUS, MERGE_DETECT, JOIN_JITTER -> {
                // Not used on a fixed ring.
            }
            case RRP_TOKEN_WAIT, RRP_TOKEN_RESEND, RRP_PROBE -> {
                // The redundant ring's timers; its layer handles them before an engine sees any.
            }
        }
        return checked();
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        effects.clear();
        if (payload.length > config.messageBytesMax()) {
            effects.submitStatus(SubmitStatus.TOO_LARGE);
            return effects;
        }
        int need = packer.framesNeeded(payload.length);
        if (need > sendQueue.free()) {
            effects.submitStatus(SubmitStatus.TRY_AGAIN);
            return effects;
        }
        packer.add(payload, guarantee, sendQueue);
        effects.submitStatus(SubmitStatus.ACCEPTED);
        ring.onLocalSend(effects);
        return checked();
    }

    @Override
    public Effects leave(long nowNanos) {
        // A fixed ring has no membership to leave.
        return effects.clear();
    }

    private Effects checked() {
        ring.checkInvariants();
        if (sendQueue.size() > sendQueue.capacity()) {
            throw new IllegalStateException("send queue over capacity");
        }
        return effects;
    }
}
