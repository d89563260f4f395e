package dev.totem.node.runtime;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The submits a {@link TotemNode} accepted and its engine has not taken yet: offered from any
 * thread, handed to the engine in order on the event loop as its send queue has room. Bounded in
 * messages and in payload bytes; an accepted message is never dropped while the node runs.
 */
final class SubmitQueue {
    /** The engine's submit, on the loop. */
    @FunctionalInterface
    interface Engine {
        SubmitStatus submit(byte[] payload, Guarantee guarantee);
    }

    /** Told of an accepted message the engine refused after all (a bug, or a leave under way). */
    @FunctionalInterface
    interface Dropped {
        void dropped(int bytes, SubmitStatus status);
    }

    private record Pending(byte[] payload, Guarantee guarantee) {}

    private final ArrayBlockingQueue<Pending> queue;
    private final long bytesMax;
    private final int messageBytesMax;
    /** Payload bytes queued; bounded by {@code bytesMax}. */
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Loop only: the engine refused the oldest message; the next input retries. */
    private boolean blocked;

    /**
     * @param messagesMax messages queued before {@link #offer} answers TRY_AGAIN
     * @param bytesMax payload bytes queued before it does (one larger message still fits an empty queue)
     * @param messageBytesMax larger payloads are TOO_LARGE
     */
    SubmitQueue(int messagesMax, long bytesMax, int messageBytesMax) {
        this.queue = new ArrayBlockingQueue<>(messagesMax);
        this.bytesMax = bytesMax;
        this.messageBytesMax = messageBytesMax;
    }

    /** Any thread: queues a copy of {@code payload}; ACCEPTED, TRY_AGAIN (full) or TOO_LARGE. */
    SubmitStatus offer(byte[] payload, Guarantee guarantee) {
        if (payload.length > messageBytesMax) {
            return SubmitStatus.TOO_LARGE;
        }
        long total = bytes.addAndGet(payload.length);
        if (total > bytesMax && total != payload.length) {
            bytes.addAndGet(-payload.length);
            return SubmitStatus.TRY_AGAIN;
        }
        if (!queue.offer(new Pending(payload.clone(), guarantee))) {
            bytes.addAndGet(-payload.length);
            return SubmitStatus.TRY_AGAIN;
        }
        return SubmitStatus.ACCEPTED;
    }

    /** Any thread: true when the caller must schedule a {@link #drain} (none is scheduled yet). */
    boolean claimDrain() {
        return drainScheduled.compareAndSet(false, true);
    }

    /**
     * Loop: hands the messages queued now (so a flood of submits cannot starve the network) to the
     * engine in order, until it refuses one: that one stays first and {@link #blocked} is set.
     *
     * @return true when messages remain and the caller must schedule another drain
     */
    boolean drain(Engine engine, Dropped dropped) {
        drainScheduled.set(false);
        blocked = false;
        for (int i = queue.size(); i > 0; i--) {
            Pending p = queue.peek();
            if (p == null) {
                break;
            }
            SubmitStatus status = engine.submit(p.payload(), p.guarantee());
            if (status == SubmitStatus.TRY_AGAIN) {
                blocked = true;
                return false;
            }
            queue.poll();
            bytes.addAndGet(-p.payload().length);
            if (status != SubmitStatus.ACCEPTED) {
                dropped.dropped(p.payload().length, status);
            }
        }
        return !queue.isEmpty() && claimDrain();
    }

    /** Loop: whether the engine refused the oldest message and no drain is scheduled to retry it. */
    boolean blockedAndIdle() {
        return blocked && !drainScheduled.get();
    }

    /** Messages queued. */
    int size() {
        return queue.size();
    }

    /** Drops every queued message: the node left or closed before the engine took them. */
    void clear() {
        queue.clear();
        bytes.set(0);
    }
}
