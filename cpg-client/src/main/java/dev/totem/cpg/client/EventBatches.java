package dev.totem.cpg.client;

import dev.totem.cpg.CpgEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The events a client read and did not yet dispatch, handed over a batch at a time: the reader
 * puts what one socket read held, the dispatcher takes all there is. One lock round per batch
 * rather than per event, which at a few hundred thousand deliveries a second is most of the
 * hand-over's cost. Bounded in events: a batch waits while the queue holds events and the batch
 * would pass the bound (a batch larger than the bound still goes into an empty queue), except
 * while the bound is suspended: the dispatcher itself waits in a call to the node, whose answer
 * may come after events the reader must read first.
 */
final class EventBatches {
    private final int eventsMax;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition roomFreed = lock.newCondition();
    private final ArrayDeque<CpgEvent> queue = new ArrayDeque<>();
    /** Whether the bound is suspended; guarded by {@link #lock}. */
    private boolean boundSuspended;

    EventBatches(int eventsMax) {
        if (eventsMax < 1) {
            throw new IllegalArgumentException("eventsMax must be at least 1, got " + eventsMax);
        }
        this.eventsMax = eventsMax;
    }

    /** Appends {@code batch} in order, waiting for room. */
    void putAll(List<CpgEvent> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        lock.lockInterruptibly();
        try {
            while (!boundSuspended && !queue.isEmpty() && queue.size() + batch.size() > eventsMax) {
                roomFreed.await();
            }
            boolean wasEmpty = queue.isEmpty();
            queue.addAll(batch);
            if (wasEmpty) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Suspends the bound (a waiting batch goes in at once) or restores it. Suspended while the
     * only thread that empties the queue waits for something only the reader can bring.
     */
    void suspendBound(boolean suspended) {
        lock.lock();
        try {
            boundSuspended = suspended;
            if (suspended) {
                roomFreed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Appends {@code e} without waiting, past the bound if need be: for the end mark. */
    void add(CpgEvent e) {
        lock.lock();
        try {
            queue.add(e);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Moves every queued event into {@code sink}, waiting up to {@code timeout} for one; false when none came. */
    boolean takeAll(List<CpgEvent> sink, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            sink.addAll(queue);
            queue.clear();
            roomFreed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Events queued now. */
    int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
