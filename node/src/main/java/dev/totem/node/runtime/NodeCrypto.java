package dev.totem.node.runtime;

import dev.totem.crypto.AeadWarmUp;
import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.CryptoConfigException;
import dev.totem.crypto.FrameKey;
import dev.totem.crypto.KeyFile;
import dev.totem.crypto.Rejection;
import dev.totem.crypto.SealedEngine;
import dev.totem.node.runtime.NodeCounters.Stat;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The crypto side of a node, on its event loop: key reload (rotation) and what the node reports
 * of frames that did not open. Event loop thread only.
 */
final class NodeCrypto {
    private final CryptoSetup setup;
    private final SealedEngine sealed;
    private final NodeLog log;
    private FrameKey currentKey;
    private final RejectionDeltas<Rejection> rejections = new RejectionDeltas<>(Rejection.class);

    NodeCrypto(CryptoSetup setup, SealedEngine sealed, NodeLog log) {
        this.setup = setup;
        this.sealed = sealed;
        this.log = log;
        this.currentKey = setup.key();
    }

    /**
     * Gets the AEAD path compiled while the ring forms, on a thread of its own, so that the
     * first seconds of traffic are not authenticated by interpreted code ({@link AeadWarmUp}).
     */
    void warmUp(int nodeId) {
        CryptoCipher cipher = setup.cipher();
        cipher.runtimeAdvice(Runtime.version().feature()).ifPresent(log::info);
        Thread t = new Thread(() -> {
            try {
                AeadWarmUp.run(cipher, AeadWarmUp.DEFAULT_ROUNDS);
            } catch (RuntimeException e) {
                // Only speed is at stake: the real frames still open, or are counted as rejected.
                log.warning("the " + cipher.configName() + " warm-up failed: " + e.getMessage());
            }
        }, "totem-crypto-warm-up-" + nodeId);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Reloads the key file: the new key opens frames at once, seals them after the rotation
     * grace (time for every node to load it), and the old key stops opening frames one grace
     * later. Never throws.
     *
     * @param loop the node's event loop, which runs the two later steps
     * @return one line saying what happened, starting with "error" when nothing changed for a fault
     */
    String reload(ScheduledExecutorService loop) {
        if (setup.keyFile().isEmpty()) {
            return "error this node's key did not come from a key file";
        }
        FrameKey next;
        try {
            next = KeyFile.load(setup.keyFile().get()).derive(setup.clusterName());
        } catch (CryptoConfigException e) {
            return "error " + e.getMessage();
        }
        if (next.sameKeyAs(currentKey)) {
            return "unchanged: " + setup.keyFile().get() + " holds the key in use (" + FrameKey.keyIdHex(next.keyId()) + ")";
        }
        sealed.opener().rotate(next);
        long graceMs = setup.rotationGrace().toMillis();
        loop.schedule(() -> {
            sealed.sealer().rotate(next);
            log.info("frames are now sealed with key " + FrameKey.keyIdHex(next.keyId()));
            loop.schedule(() -> {
                sealed.opener().dropPrevious();
                log.info("the previous key no longer opens frames");
            }, graceMs, TimeUnit.MILLISECONDS);
        }, graceMs, TimeUnit.MILLISECONDS);
        currentKey = next;
        String line = "reloaded " + setup.keyFile().get() + ": key " + FrameKey.keyIdHex(next.keyId())
                + " opens frames now, seals them in " + graceMs + " ms; the old key opens frames for " + 2 * graceMs + " ms";
        log.info(line);
        return line;
    }

    /** At most one line per call (once a second): frames that did not open since the last one, by reason. */
    void logRejections() {
        RejectionDeltas.Grown grew = rejections.since(sealed.rejected());
        if (grew != null) {
            log.warning("rejected " + grew.total() + " frames that did not open in the last second (" + grew.byReason()
                    + "): a node with another key, a forged or replayed frame, or a key rotation not done everywhere");
        }
    }

    /** Puts the rejection counters into a snapshot's values. */
    void fill(long[] values) {
        Map<Rejection, Long> r = sealed.rejected();
        values[Stat.CRYPTO_REJECTED_TRUNCATED.ordinal()] = r.get(Rejection.TRUNCATED);
        values[Stat.CRYPTO_REJECTED_BAD_FORMAT.ordinal()] = r.get(Rejection.BAD_FORMAT);
        values[Stat.CRYPTO_REJECTED_UNKNOWN_KEY.ordinal()] = r.get(Rejection.UNKNOWN_KEY);
        values[Stat.CRYPTO_REJECTED_BAD_TAG.ordinal()] = r.get(Rejection.BAD_TAG);
        values[Stat.CRYPTO_REJECTED_REPLAY.ordinal()] = r.get(Rejection.REPLAY);
        // Sealed by one member, naming another as sender: never done by our nodes (a resent frame
        // names its sender), so a count here is a bug or a member misbehaving.
        values[Stat.CRYPTO_REJECTED_SENDER_MISMATCH.ordinal()] = sealed.senderMismatches();
    }
}
