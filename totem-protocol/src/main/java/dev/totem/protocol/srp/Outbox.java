package dev.totem.protocol.srp;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.pack.Packer;
import dev.totem.protocol.wire.McastFrame;

/**
 * Where submitted application messages wait: the packer's open frame and the bounded send
 * queue. It outlives rings. {@link #offer} is the one place that decides between accepting a
 * message and answering back-pressure.
 */
public final class Outbox {
    /** Room left in every frame for recovery's encapsulation: a second MCAST header. */
    public static final int ENCAPSULATION_RESERVE = McastFrame.PAYLOAD_OFFSET;

    private final int messageBytesMax;
    private final SendQueue queue;
    private final Packer packer;

    public Outbox(TotemConfig config) {
        this.messageBytesMax = config.messageBytesMax();
        this.queue = new SendQueue(config.sendQueueFramesMax());
        this.packer = new Packer(McastFrame.PAYLOAD_OFFSET,
                config.frameBytesMax() - McastFrame.PAYLOAD_OFFSET - ENCAPSULATION_RESERVE);
    }

    /**
     * Accepts {@code payload} unless it is too large or would not fit the queue; an accepted
     * message is never dropped.
     */
    public SubmitStatus offer(byte[] payload, Guarantee guarantee) {
        if (payload.length > messageBytesMax) {
            return SubmitStatus.TOO_LARGE;
        }
        if (packer.framesNeeded(payload.length) > queue.free()) {
            return SubmitStatus.TRY_AGAIN;
        }
        packer.add(payload, guarantee, queue);
        return SubmitStatus.ACCEPTED;
    }

    /** Closes the open frame into the queue (when the token arrives). */
    public void flush() {
        packer.flush(queue);
    }

    /** The frames ready to broadcast. */
    public SendQueue queue() {
        return queue;
    }

    /** Frames waiting, the open packed frame included. */
    public int queuedFrames() {
        return queue.size() + (packer.hasOpenFrame() ? 1 : 0);
    }
}
