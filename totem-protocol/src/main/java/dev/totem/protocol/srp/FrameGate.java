package dev.totem.protocol.srp;

import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.Frames;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Lets only well-formed frames into an engine, and counts the others by reason. */
public final class FrameGate {
    private final Map<DecodeStatus, Long> rejected = new EnumMap<>(DecodeStatus.class);
    private final SrpStats stats;

    public FrameGate(SrpStats stats) {
        this.stats = stats;
    }

    /** Whether the frame between position and limit of {@code frame} is well formed; counts it if not. */
    public boolean admit(ByteBuffer frame) {
        DecodeStatus status = Frames.check(frame, frame.position(), frame.remaining());
        if (status == DecodeStatus.OK) {
            return true;
        }
        stats.framesRejected++;
        rejected.merge(status, 1L, Long::sum);
        return false;
    }

    /** Frames rejected so far, by reason. */
    public Map<DecodeStatus, Long> rejected() {
        return Collections.unmodifiableMap(rejected);
    }
}
