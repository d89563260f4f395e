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
 * RrpConfig#tokenResendNanos()}. Single-threaded.
 */
final class NetworkSender {
    private final RrpConfig config;
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

    /** Puts a frame of the processor on the networks it goes on. */
    void send(int destination, byte[] frame) {
        FrameType type = typeOf(frame);
        boolean token = type == FrameType.ORF_TOKEN || type == FrameType.COMMIT_TOKEN;
        if (mode == RrpMode.NONE) {
            emit(0, destination, frame, token);
            return;
        }
        int mask = monitor.sendMask();
        int used;
        if (mode == RrpMode.PASSIVE) {
            if (token) {
                used = tokenCursor = next(mask, tokenCursor);
            } else {
                used = frameCursor = next(mask, frameCursor);
            }
            emit(used, destination, frame, token);
        } else {
            used = -1;
            emitOnEach(mask, destination, frame, token);
        }
        if (type == FrameType.ORF_TOKEN && destination != Effect.MULTICAST) {
            watchToken(destination, frame, used);
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

    private void watchToken(int destination, byte[] frame, int network) {
        OrfTokenFrame t = tokenView.wrap(ByteBuffer.wrap(frame), 0);
        if (resend != null && resend.is(t.ringRep(), t.ringSeq(), t.tokenSeq())) {
            // The processor's own retransmission of the token already watched.
            if (network >= 0) {
                resend.network = network;
            }
            return;
        }
        resend = new Resend(frame, destination, t.ringRep(), t.ringSeq(), t.tokenSeq(), network);
        effects.add(new Effect.SetTimer(TimerKind.RRP_TOKEN_RESEND, config.tokenResendNanos()));
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

    /** Stops watching the token sent, whose timer then finds nothing to do. */
    void forgetToken() {
        resend = null;
    }

    /** The resend timer fired: the token watched goes out again, at most once per network. */
    void resendToken() {
        Resend r = resend;
        if (r == null) {
            return;
        }
        if (r.attempts >= count) {
            resend = null; // the processor's token retransmit and token loss timers take over
            return;
        }
        r.attempts++;
        stats.tokenResends++;
        int mask = monitor.sendMask();
        if (mode == RrpMode.PASSIVE) {
            r.network = next(mask, r.network < 0 ? count - 1 : r.network);
            emit(r.network, r.destination, r.frame, true);
        } else {
            emitOnEach(mask, r.destination, r.frame, true);
        }
        effects.add(new Effect.SetTimer(TimerKind.RRP_TOKEN_RESEND, config.tokenResendNanos()));
    }

    private static final class Resend {
        final byte[] frame;
        final int destination;
        final int ringRep;
        final long ringSeq;
        final long tokenSeq;
        /** The network it last went on (passive), or -1 (active). */
        int network;
        int attempts;

        Resend(byte[] frame, int destination, int ringRep, long ringSeq, long tokenSeq, int network) {
            this.frame = frame;
            this.destination = destination;
            this.ringRep = ringRep;
            this.ringSeq = ringSeq;
            this.tokenSeq = tokenSeq;
            this.network = network;
        }

        boolean is(int rep, long seq, long tokenSeqOther) {
            return ringRep == rep && ringSeq == seq && tokenSeq == tokenSeqOther;
        }
    }
}
