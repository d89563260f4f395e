package dev.totem.node.runtime;

import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.Frames;
import java.util.Map;

/**
 * Frames that failed the frame check since the last look, by reason, as one warning: a node of
 * another build (its frames are {@code unknown_version}) or garbled frames should be named in the
 * log, not only counted. Looked at once a second. Event loop thread only.
 */
final class FrameCheckLog {
    private final RejectionDeltas<DecodeStatus> rejections = new RejectionDeltas<>(DecodeStatus.class);
    private final NodeLog log;
    private final boolean sealed;

    /** @param sealed whether frames are sealed (then the frames that fail the check opened: their sender holds the key) */
    FrameCheckLog(NodeLog log, boolean sealed) {
        this.log = log;
        this.sealed = sealed;
    }

    /** @param rejected the engine's counts of rejected frames by reason (a live view will do) */
    void look(Map<DecodeStatus, Long> rejected) {
        RejectionDeltas.Grown grew = rejections.since(rejected);
        if (grew != null) {
            log.warning("rejected " + grew.total() + " frames that failed the frame check in the last second ("
                    + grew.byReason() + "): a node of another build (this one speaks frame version " + Frames.VERSION
                    + ") or garbled frames" + (sealed ? " from a holder of the key" : ""));
        }
    }
}
