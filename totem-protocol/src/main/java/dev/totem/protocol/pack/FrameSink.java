package dev.totem.protocol.pack;

import dev.totem.protocol.api.Guarantee;

/** Receives the frames a {@link Packer} closes, in order. */
@FunctionalInterface
public interface FrameSink {
    /**
     * @param frame a whole MCAST frame buffer: header space first (filled in when the frame is
     *     sent), then the packed payload
     * @param guarantee the guarantee shared by every message packed in the frame
     */
    void accept(byte[] frame, Guarantee guarantee);
}
