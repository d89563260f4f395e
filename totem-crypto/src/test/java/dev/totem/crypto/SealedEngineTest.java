package dev.totem.crypto;

import static dev.totem.crypto.TestKeys.frameKey;
import static dev.totem.crypto.TestKeys.sealer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.protocol.wire.Frames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sealing layer over a layer that speaks several networks (a redundant ring): its
 * {@link Effect.SendOn}s leave sealed, frames come in with their network index, and a frame that
 * names another sender than the one that sealed it, by the inner layer's own reading, is dropped.
 */
class SealedEngineTest {
    private static final FrameKey KEY = frameKey(3);
    /** A frame of the inner layer's own: magic 0x7E72, sender at offset 4 (as a redundant ring's probe). */
    private static final int OWN_MAGIC = 0x7E72;

    /** Sends what it is told to on start; records what it receives. */
    private static final class Inner implements TotemEngine {
        final int id;
        final List<Effect> onStart = new ArrayList<>();
        final List<String> received = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();

        Inner(int id) {
            this.id = id;
        }

        @Override
        public int nodeId() {
            return id;
        }

        @Override
        public Effects start(long nowNanos) {
            Effects e = new Effects();
            onStart.forEach(e::add);
            return e;
        }

        @Override
        public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
            received.add(network + ":" + frame.remaining());
            byte[] copy = new byte[frame.remaining()];
            frame.duplicate().get(copy);
            frames.add(copy);
            return new Effects();
        }

        @Override
        public Effects onTimer(long nowNanos, TimerKind timer) {
            return new Effects();
        }

        @Override
        public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
            return new Effects();
        }

        @Override
        public Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
            received.add("reload token " + reloaded.tokenTimeoutMs());
            return new Effects();
        }
    }

    private static byte[] ownFrame(int sender) {
        return ByteBuffer.allocate(16).putShort((short) OWN_MAGIC).putShort((short) 0).putInt(sender).array();
    }

    /** The sender an {@link #ownFrame} names, else a Totem frame's. */
    private static int claimedSender(ByteBuffer frame) {
        if (frame.remaining() >= 8 && (frame.getShort(0) & 0xFFFF) == OWN_MAGIC) {
            return frame.getInt(4);
        }
        return Frames.claimedSender(frame);
    }

    private static SealedEngine engine(Inner inner) {
        return new SealedEngine(inner, sealer(CryptoCipher.AES256_GCM, KEY, inner.id, inner.id),
                new FrameOpener(CryptoCipher.AES256_GCM, KEY), SealedEngineTest::claimedSender);
    }

    @Test
    void eachCopyOfAFrameSentOnSeveralNetworksIsSealedOnItsOwnAndOpensWithItsNetwork() {
        Inner a = new Inner(1);
        byte[] frame = ownFrame(1);
        a.onStart.add(new Effect.SendOn(0, Effect.MULTICAST, frame));
        a.onStart.add(new Effect.SendOn(1, Effect.MULTICAST, frame));
        Inner b = new Inner(2);
        SealedEngine receiver = engine(b);

        List<Effect> sent = new ArrayList<>(engine(a).start(0).list());

        assertThat(sent).hasSize(2).allMatch(e -> e instanceof Effect.SendOn);
        Effect.SendOn first = (Effect.SendOn) sent.get(0);
        Effect.SendOn second = (Effect.SendOn) sent.get(1);
        assertThat(first.network()).isZero();
        assertThat(second.network()).isOne();
        assertThat(first.frame()).hasSize(16 + 41).isNotEqualTo(second.frame());
        // Both copies open (neither is taken for a replay of the other), each with its network.
        receiver.onPacket(1, 1, ByteBuffer.wrap(second.frame()));
        receiver.onPacket(2, 0, ByteBuffer.wrap(first.frame()));
        assertThat(b.received).containsExactly("1:16", "0:16");
    }

    @Test
    void framesInDirectBuffersOfEverySizeOpenIntact() {
        // Datagrams outside the heap are opened from one reused scratch array: a shorter frame
        // after a longer one, and a longer one after that, must each open to their own bytes.
        Inner a = new Inner(1);
        List<byte[]> plain = new ArrayList<>();
        for (int size : new int[] {400, 16, 1000}) {
            byte[] frame = java.util.Arrays.copyOf(ownFrame(1), size);
            for (int i = 16; i < size; i++) {
                frame[i] = (byte) (i * 7 + size);
            }
            plain.add(frame);
            a.onStart.add(new Effect.SendOn(0, Effect.MULTICAST, frame));
        }
        Inner b = new Inner(2);
        SealedEngine receiver = engine(b);

        for (Effect e : engine(a).start(0).list()) {
            byte[] sealed = ((Effect.SendOn) e).frame();
            ByteBuffer direct = ByteBuffer.allocateDirect(sealed.length + 8);
            direct.position(8);
            direct.put(sealed).position(8); // the datagram sits at an offset, as in a pooled buffer
            receiver.onPacket(1, 0, direct);
        }

        assertThat(b.frames).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(b.frames.get(i)).isEqualTo(plain.get(i));
        }
    }

    @Test
    void aFrameNamingAnotherSenderThanTheSealingNodeIsDropped() {
        Inner liar = new Inner(3);
        liar.onStart.add(new Effect.SendOn(1, Effect.MULTICAST, ownFrame(1))); // node 3 speaks for node 1
        Inner b = new Inner(2);
        SealedEngine receiver = engine(b);
        Effect.SendOn forged = (Effect.SendOn) engine(liar).start(0).list().get(0);

        receiver.onPacket(1, 1, ByteBuffer.wrap(forged.frame()));

        assertThat(b.received).isEmpty();
        assertThat(receiver.senderMismatches()).isOne();
    }

    @Test
    void aReloadOfTheTunablesReachesTheInnerLayer() {
        Inner a = new Inner(1);
        engine(a).reloadTunables(0, TotemConfig.fromToken(1234, TotemConfig.DEFAULT_NETMTU));
        assertThat(a.received).containsExactly("reload token 1234");
    }

    @Test
    void aFrameInTheClearNeverReachesTheInnerLayer() {
        Inner b = new Inner(2);
        SealedEngine receiver = engine(b);

        receiver.onPacket(1, 1, ByteBuffer.wrap(ownFrame(1)));

        assertThat(b.received).isEmpty();
        // 16 bytes are shorter than any sealed frame.
        assertThat(receiver.rejected().get(Rejection.TRUNCATED)).isOne();
    }

    @Test
    void sealSealsTheAnswerOfACommandToAnInnerLayer() {
        Effects command = new Effects();
        command.add(new Effect.SendOn(1, Effect.MULTICAST, ownFrame(1)));
        command.add(new Effect.Transition("rrp", "FAULTY", "ACTIVE", "network 1: re-enabled by the operator"));

        List<Effect> out = engine(new Inner(1)).seal(command).list();

        assertThat(out).hasSize(2);
        assertThat(((Effect.SendOn) out.get(0)).frame()).hasSize(16 + 41);
        assertThat(out.get(1)).isEqualTo(command.list().get(1));
    }

    @Test
    void sealedOnWriteTheAnswerCarriesClearFramesThatTheDriverSealsInOrder() {
        Inner a = new Inner(1);
        byte[] first = ownFrame(1);
        byte[] second = java.util.Arrays.copyOf(ownFrame(1), 40);
        a.onStart.add(new Effect.SendOn(0, Effect.MULTICAST, first));
        a.onStart.add(new Effect.Transition("rrp", "FAULTY", "ACTIVE", "a test"));
        a.onStart.add(new Effect.SendOn(1, Effect.MULTICAST, second));
        SealedEngine sender = new SealedEngine(a, sealer(CryptoCipher.AES256_GCM, KEY, 1, 1),
                new FrameOpener(CryptoCipher.AES256_GCM, KEY), SealedEngineTest::claimedSender,
                SealedEngine.SealTiming.ON_WRITE);
        Inner b = new Inner(2);
        SealedEngine receiver = engine(b);

        List<Effect> answer = new ArrayList<>(sender.start(0).list());

        assertThat(answer).hasSize(3);
        assertThat(((Effect.SendOn) answer.get(0)).frame()).isSameAs(first);
        assertThat(((Effect.SendOn) answer.get(2)).frame()).isSameAs(second);
        byte[] sealedFirst = sender.sealForWire(first);
        byte[] sealedSecond = sender.sealForWire(second);
        assertThat(sealedFirst).hasSize(16 + 41);
        // Opened in the order sealed, each to its own bytes, neither a replay of the other.
        receiver.onPacket(1, 1, ByteBuffer.wrap(sealedSecond));
        receiver.onPacket(2, 0, ByteBuffer.wrap(sealedFirst));
        assertThat(b.frames).hasSize(2);
        assertThat(b.frames.get(0)).isEqualTo(second);
        assertThat(b.frames.get(1)).isEqualTo(first);
        // A replay of a frame sealed on write is caught as any other.
        receiver.onPacket(3, 0, ByteBuffer.wrap(sealedFirst));
        assertThat(b.frames).hasSize(2);
        assertThat(receiver.rejected().get(Rejection.REPLAY)).isOne();
    }

    @Test
    void aFrameSealedOnWriteIntoTheDriversArrayOpensAsOneSealedIntoItsOwn() {
        SealedEngine sender = new SealedEngine(new Inner(1), sealer(CryptoCipher.AES256_GCM, KEY, 1, 1),
                new FrameOpener(CryptoCipher.AES256_GCM, KEY), SealedEngineTest::claimedSender,
                SealedEngine.SealTiming.ON_WRITE);
        Inner b = new Inner(2);
        SealedEngine receiver = engine(b);
        byte[] frame = ownFrame(1);
        byte[] out = new byte[5 + frame.length + sender.sealer().overheadBytes() + 3];

        int length = sender.sealForWire(frame, out, 5);
        receiver.onPacket(1, 0, ByteBuffer.wrap(out, 5, length));

        assertThat(length).isEqualTo(frame.length + SealedFrame.OVERHEAD_BYTES);
        assertThat(b.frames).hasSize(1);
        assertThat(b.frames.get(0)).isEqualTo(frame);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine(new Inner(1)).sealForWire(frame, out, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
    }

    @Test
    void anEngineThatSealsItsAnswersRefusesToSealAgainOnWrite() {
        SealedEngine eager = engine(new Inner(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> eager.sealForWire(ownFrame(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
    }
}
