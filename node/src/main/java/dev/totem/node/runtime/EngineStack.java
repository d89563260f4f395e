package dev.totem.node.runtime;

import dev.totem.crypto.Opener;
import dev.totem.crypto.SealedEngine;
import dev.totem.crypto.Sealer;
import dev.totem.membership.TotemProcessor;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.rrp.RedundantRing;
import dev.totem.rrp.RrpConfig;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * The engines a node drives, from the network up:
 *
 * <pre>
 *   networks  &lt;-&gt;  SealedEngine  &lt;-&gt;  RedundantRing  &lt;-&gt;  TotemProcessor
 *             (seals every frame)  (one logical network)   (ordering, membership)
 * </pre>
 *
 * The sealing layer opens every datagram; its answers carry frames in the clear, and the loop
 * seals each as it writes it ({@link #sealForWire(byte[], byte[])}, or {@link #wireFrame} for a frame to itself, called by {@link FrameWriter}). The sealing layer is the one next to the wire, so every frame on every network, the
 * redundant ring's probes included, is sealed and authenticated, and a forged probe is dropped
 * before the ring sees it; the ring reads the frames in the clear (types, senders, sequence
 * numbers), which it needs to filter copies and judge networks. The ring is always there: with
 * one network (rrp_mode none) it puts every frame on network 0 and watches nothing. Without
 * crypto there is no sealing layer. Event loop only, as the engines.
 */
final class EngineStack {
    private final TotemProcessor processor;
    private final RedundantRing ring;
    /** Null when frames go in the clear. */
    private final SealedEngine sealed;
    /** Null when frames go in the clear. */
    private final NodeCrypto crypto;
    private final TotemEngine driven;

    EngineStack(RuntimeSettings settings, NodeLog log) {
        int nodeId = settings.nodeId();
        SecureRandom random = new SecureRandom();
        FileRingSeqStore store = new FileRingSeqStore(settings.stateDirectory(), nodeId);
        Sealer sealer = settings.crypto().map(c -> Sealer.create(c.cipher(), c.key(), nodeId, random)).orElse(null);
        // Sealed frames are larger: the processor packs smaller ones so they still fit the MTU.
        TotemConfig totem = sealer == null ? settings.totemConfig()
                : settings.totemConfig().withFrameOverhead(sealer.overheadBytes());
        this.processor = new TotemProcessor(totem, nodeId, store, new SplittableRandom(random.nextLong()),
                settings.plantedBug());
        this.ring = new RedundantRing(processor,
                RrpConfig.defaults(settings.rrpMode(), settings.networks().size(), settings.totemConfig()));
        if (sealer == null) {
            this.sealed = null;
            this.crypto = null;
            this.driven = ring;
        } else {
            CryptoSetup c = settings.crypto().get();
            // Sealed as each frame is written (FrameWriter), so a burst leaves while it is sealed.
            this.sealed = new SealedEngine(ring, sealer, Opener.create(c.cipher(), c.key()), RedundantRing::claimedSender,
                    SealedEngine.SealTiming.ON_WRITE);
            this.crypto = new NodeCrypto(c, sealed, log);
            this.driven = sealed;
        }
    }

    /** The processor, for its state and counters. */
    TotemProcessor processor() {
        return processor;
    }

    /** The redundant ring, for its networks' states and counters. */
    RedundantRing ring() {
        return ring;
    }

    /** The crypto side (key reload, rejections), or null when frames go in the clear. */
    NodeCrypto crypto() {
        return crypto;
    }

    /** The top of the stack, which the loop drives. */
    TotemEngine driven() {
        return driven;
    }

    /** Re-enables a faulty network (the operator's command); its frames go through {@link #wireFrame}, as every answer's. */
    Effects reenable(long nowNanos, int network) {
        return ring.reenable(nowNanos, network);
    }

    /**
     * The bytes that go on the wire for a frame of an answer: sealed here, as it is written,
     * when crypto is on. Once per frame of each Send and SendOn, in the answer's order.
     */
    byte[] wireFrame(byte[] frame) {
        return sealed == null ? frame : sealed.sealForWire(frame);
    }

    /**
     * Seals a frame of an answer into {@code out} (crypto on only; see {@link #wireFrame}), which
     * holds at least {@link #sealedBytesMax} bytes.
     *
     * @return the sealed frame's length
     */
    int sealForWire(byte[] frame, byte[] out) {
        return sealed.sealForWire(frame, out, 0);
    }

    /** The longest sealed frame {@link #sealForWire(byte[], byte[])} writes for {@code frameBytes} in the clear. */
    int sealedBytesMax(int frameBytes) {
        return frameBytes + sealed.sealer().overheadBytes();
    }

    /** Whether {@link #wireFrame} seals (costs AEAD time per byte). */
    boolean sealsOnWrite() {
        return sealed != null;
    }
}
