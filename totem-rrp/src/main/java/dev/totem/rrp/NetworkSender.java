package dev.totem.rrp;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.OrfTokenFrame;
import java.nio.ByteBuffer;

/**
 * Puts each frame the processor sends on its networks, as {@link Effect.SendOn} in the ring's
 * {@link Effects}: passive, one working network round robin (a cursor for tokens, another for
 * the rest); active, every working network; none, network 0. It also watches the last token
 * sent and sends it again when it does not come back around within {@link
 * RrpConfig#tokenResendNanos()}, once per network, then a few times more with longer waits.
 * It does so with one network too, where a lost token otherwise stalls the ring for the
 * processor's token_retransmit (392 ms at token 1650 ms; 1% loss cost a 1600 B bench 15 % and
 * put its p99.9 at 409 ms). Single-threaded.
 */
final class NetworkSender {
    /**
     * Resends after one on each network, each after twice the wait of the one before (50 ms:
     * then 100, 200, 400): a token lost twice in a row (one hop in 10,000 at 1% loss) otherwise
     * waited the processor's token_retransmit. Bounded, so a token nobody can take is left to the
     * processor's timers.
     */
    static final int BACKOFF_RESENDS = 3;

    /** Its token timings are replaced by a reload ({@link #reloadConfig}). */
    private RrpConfig config;
    private final RrpMode mode;
    private final int count;
    private final NetworkMonitor monitor;
    private final Effects effects;
    private final RrpStats stats;
    private final OrfTokenFrame tokenView = new OrfTokenFrame();

    private int tokenCursor;
    private int frameCursor;
    /** The last token sent, until it comes back around, or null. */
    private Resend resend;
    /** The seq of the last token sent, and how many tokens in a row carried it with aru = seq. */
    private long idleSeq = -1;
    private int idleTokens;

    NetworkSender(RrpConfig config, NetworkMonitor monitor, Effects effects, RrpStats stats) {
        this.config = config;
        this.mode = config.mode();
        this.count = config.networks();
        this.monitor = monitor;
        this.effects = effects;
        this.stats = stats;
        // The first pick of each cursor is network 0.
        this.tokenCursor = count - 1;
        this.frameCursor = count - 1;
    }

    /** Resends wait by {@code reloaded}'s timings from the next token on. */
    void reloadConfig(RrpConfig reloaded) {
        this.config = reloaded;
    }

    /** Puts a frame of the processor on the networks it goes on. */
    void send(int destination, byte[] frame) {
        FrameType type = typeOf(frame);
        boolean token = type == FrameType.ORF_TOKEN || type == FrameType.COMMIT_TOKEN;
        if (mode == RrpMode.NONE) {
            emit(0, destination, frame, token);
        } else {
            // Per frame, so only where there is a choice of networks.
            int mask = monitor.sendMask();
            if (mode == RrpMode.PASSIVE) {
                if (token) {
                    emit(tokenCursor = next(mask, tokenCursor), destination, frame, true);
                } else {
                    emit(frameCursor = next(mask, frameCursor), destination, frame, false);
                }
            } else {
                emitOnEach(mask, destination, frame, token);
            }
        }
        if (type == FrameType.ORF_TOKEN && destination != Effect.MULTICAST) {
            watchToken(destination, frame);
        }
    }

    private void emit(int network, int destination, byte[] frame, boolean token) {
        // The same array may go out on several networks: drivers treat frames as read-only.
        effects.add(new Effect.SendOn(network, destination, frame));
        if (token) {
            monitor.net(network).tokensSent++;
        } else {
            monitor.net(network).framesSent++;
        }
    }

    private void emitOnEach(int mask, int destination, byte[] frame, boolean token) {
        for (int i = 0; i < count; i++) {
            if ((mask & (1 << i)) != 0) {
                emit(i, destination, frame, token);
            }
        }
    }

    /** The first network of {@code mask} after {@code cursor}, cyclically. */
    private int next(int mask, int cursor) {
        for (int k = 1; k <= count; k++) {
            int i = (cursor + k) % count;
            if ((mask & (1 << i)) != 0) {
                return i;
            }
        }
        return 0;
    }

    private static FrameType typeOf(byte[] frame) {
        if (frame.length < Frames.HEADER_LENGTH || (((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF)) != Frames.MAGIC) {
            return null;
        }
        return FrameType.ofCode(frame[Frames.TYPE_OFFSET] & 0xFF);
    }

    // ---------------------------------------------------------------- token resend

    private void watchToken(int destination, byte[] frame) {
        OrfTokenFrame t = tokenView.wrap(ByteBuffer.wrap(frame), 0);
        if (resend != null && resend.is(t.ringRep(), t.ringSeq(), t.tokenSeq())) {
            return; // the processor's own retransmission of the token already watched
        }
        long seq = t.seq();
        if (seq == idleSeq && t.aru() == seq) {
            idleTokens++;
        } else {
            idleSeq = seq;
            idleTokens = 0;
        }
        // An idle ring's representative holds the token for hold, so it never came back within the
        // resend time and every node sent every token twice, a resend counted on a healthy ring.
        // Not watching it at all let four losses in a rotation cost the ring again, as the
        // processor's token_retransmit did (`--faults none --loss 0.04 --seeds 1..300`: 4 re-formations).
        long delayNanos = idleTokens >= config.idleTokens() ? config.idleTokenResendNanos() : config.tokenResendNanos();
        resend = new Resend(frame, destination, t.ringRep(), t.ringSeq(), t.tokenSeq(), delayNanos);
        effects.add(new Effect.SetTimer(TimerKind.RRP_TOKEN_RESEND, delayNanos));
    }

    /** A token arrived: if it is the successor of the one we sent, ours went around. */
    void tokenArrived(ByteBuffer frame, int offset) {
        if (resend == null) {
            return;
        }
        OrfTokenFrame t = tokenView.wrap(frame, offset);
        if (t.ringRep() == resend.ringRep && t.ringSeq() == resend.ringSeq && t.tokenSeq() > resend.tokenSeq) {
            resend = null; // its timer fires later and finds nothing to do
        }
    }

    /** Whether a token sent is watched (it has not come back around yet). */
    boolean watching() {
        return resend != null;
    }

    /** Stops watching the token sent, whose timer then finds nothing to do. */
    void forgetToken() {
        resend = null;
    }

    /**
     * The resend timer fired: the token watched goes out again, once per network, then up to
     * {@link #BACKOFF_RESENDS} more times with the wait doubled each time.
     */
    void resendToken() {
        Resend r = resend;
        if (r == null) {
            return;
        }
        if (r.attempts >= count + BACKOFF_RESENDS) {
            resend = null; // the processor's token retransmit and token loss timers take over
            return;
        }
        r.attempts++;
        stats.tokenResends++;
        int mask = monitor.sendMask();
        if (mode == RrpMode.NONE) {
            emit(0, r.destination, r.frame, true);
        } else if (mode == RrpMode.PASSIVE) {
            // On the token cursor, as every token: a resend that skipped it put the next token on
            // the resend's network again, and receivers saw the other networks fall behind.
            emit(tokenCursor = next(mask, tokenCursor), r.destination, r.frame, true);
        } else {
            emitOnEach(mask, r.destination, r.frame, true);
        }
        long delayNanos = r.attempts < count ? r.delayNanos : r.delayNanos << (r.attempts - count + 1);
        effects.add(new Effect.SetTimer(TimerKind.RRP_TOKEN_RESEND, delayNanos));
    }

    private static final class Resend {
        final byte[] frame;
        final int destination;
        final int ringRep;
        final long ringSeq;
        final long tokenSeq;
        /** How long after each send the token is sent again, unless it came back around. */
        final long delayNanos;
        int attempts;

        Resend(byte[] frame, int destination, int ringRep, long ringSeq, long tokenSeq, long delayNanos) {
            this.frame = frame;
            this.destination = destination;
            this.ringRep = ringRep;
            this.ringSeq = ringSeq;
            this.tokenSeq = tokenSeq;
            this.delayNanos = delayNanos;
        }

        boolean is(int rep, long seq, long tokenSeqOther) {
            return ringRep == rep && ringSeq == seq && tokenSeq == tokenSeqOther;
        }
    }
}
