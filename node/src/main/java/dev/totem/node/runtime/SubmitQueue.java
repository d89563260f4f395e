package dev.totem.node.runtime;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The submits a {@link TotemNode} accepted and its engine has not taken yet: offered from any
 * thread, handed to the engine in order on the event loop as its send queue has room. Bounded in
 * messages (the queue's capacity, and the chunk the loop has taken from it) and in payload bytes;
 * an accepted message is never dropped while the node runs.
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

    /**
     * Messages the loop takes from the queue at once: one lock for a chunk, where a peek and a poll
     * took two per message (the queue's locks were 12.7 % of a 64 B bench's CPU samples, the
     * offers' included).
     */
    static final int CHUNK = 64;

    private final ArrayBlockingQueue<Pending> queue;
    /**
     * Loop only: the chunk taken from the queue that the engine has not accepted yet, in order and
     * before everything still in the queue; at most {@link #CHUNK}.
     */
    private final ArrayDeque<Pending> taken = new ArrayDeque<>(CHUNK);
    /** {@code taken}'s size, for {@link #size} from other threads; written once per chunk and drain. */
    private volatile int takenCount;
    private final long bytesMax;
    private final int messageBytesMax;
    /** Payload bytes queued; bounded by {@code bytesMax}. */
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Loop only: the engine refused the oldest message; the next input retries. */
    private boolean blocked;

    /**
     * @param messagesMax messages queued before {@link #offer} answers TRY_AGAIN, besides the
     *     {@link #CHUNK} at most that the loop has taken
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
        int budget = taken.size() + queue.size();
        while (budget > 0) {
            if (taken.isEmpty() && queue.drainTo(taken, Math.min(budget, CHUNK)) == 0) {
                break;
            }
            long freedBytes = 0;
            try {
                while (budget > 0 && !taken.isEmpty()) {
                    Pending p = taken.peekFirst();
                    SubmitStatus status = engine.submit(p.payload(), p.guarantee());
                    if (status == SubmitStatus.TRY_AGAIN) {
                        blocked = true;
                        return false;
                    }
                    taken.pollFirst();
                    budget--;
                    freedBytes += p.payload().length;
                    if (status != SubmitStatus.ACCEPTED) {
                        dropped.dropped(p.payload().length, status);
                    }
                }
            } finally {
                // Room for the senders once per chunk, not per message: one atomic write each.
                if (freedBytes != 0) {
                    bytes.addAndGet(-freedBytes);
                }
                takenCount = taken.size();
            }
        }
        return !(taken.isEmpty() && queue.isEmpty()) && claimDrain();
    }

    /** Loop: whether the engine refused the oldest message and no drain is scheduled to retry it. */
    boolean blockedAndIdle() {
        return blocked && !drainScheduled.get();
    }

    /** Messages queued, the chunk the loop has taken included (as of its last chunk). */
    int size() {
        return queue.size() + takenCount;
    }

    /**
     * Any thread: drops the messages still in the queue, when the node stops taking submits. The
     * chunk the loop has taken stays: no other thread touches it, and the loop drops it with
     * {@link #clearOnLoop} when it stops or leaves.
     */
    void clear() {
        queue.clear();
        bytes.set(0);
    }

    /** Loop: drops every queued message, the taken chunk included: the node left or closed. */
    void clearOnLoop() {
        taken.clear();
        takenCount = 0;
        clear();
    }
}
