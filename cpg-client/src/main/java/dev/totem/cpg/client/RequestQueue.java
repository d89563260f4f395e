package dev.totem.cpg.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * A client's requests on their way to the node, in call order: callers encode theirs into one
 * buffer under one lock, and the writer thread takes the buffer whole and writes it, one system
 * call for all the requests that queued up meanwhile (no queue node, semaphore or hand-off per
 * request). At most {@link #BYTES_MAX} bytes wait (or one larger request); a caller past it
 * waits for the writer: the flow control of streamed multicasts. Thread-safe.
 */
final class RequestQueue {
    /** Request bytes written by callers and not yet taken by the writer; a caller past it waits. */
    static final int BYTES_MAX = 4 << 20;
    /** The starting size of the buffers requests queue in (they grow for a larger request). */
    static final int BUFFER_BYTES = 64 << 10;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when {@link #queued} gets its first request, and at the end. */
    private final Condition some = lock.newCondition();
    /** Signalled when the writer takes {@link #queued}, and at the end. */
    private final Condition taken = lock.newCondition();
    /** Encoded requests the writer has not taken yet, in call order; guarded by {@link #lock}. */
    private ByteBuffer queued = ByteBuffer.allocate(BUFFER_BYTES);
    /** The next request's id; guarded by {@link #lock}. */
    private long nextId = 1;
    /** Nothing more is queued or written; guarded by {@link #lock}. */
    private boolean ended;

    /**
     * Queues the request {@code frameOfId} encodes for the next id. The id is taken,
     * {@code onQueued} told of it and the frame queued under one hold of the lock, so ids reach
     * the socket in order and a caller knows its id before the node can answer it.
     *
     * @param beforeWaiting runs once, before the first wait for room, if the call must wait
     * @return the id, or 0 when the queue has ended (nothing was queued)
     */
    long queue(LongFunction<byte[]> frameOfId, LongConsumer onQueued, Runnable beforeWaiting) throws InterruptedException {
        boolean waited = false;
        lock.lock();
        try {
            while (queued.position() >= BYTES_MAX && !ended) {
                if (!waited) {
                    beforeWaiting.run();
                    waited = true;
                }
                taken.await();
            }
            if (ended) {
                return 0;
            }
            long id = nextId++;
            byte[] frame = frameOfId.apply(id);
            onQueued.accept(id);
            if (queued.remaining() < frame.length) {
                queued = ByteBuffer.allocate(Math.max(queued.capacity() * 2, queued.position() + frame.length))
                        .put(queued.flip());
            }
            queued.put(frame);
            if (queued.position() == frame.length) {
                some.signal();
            }
            return id;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The writer thread's loop: takes everything queued and writes it to {@code channel}, until
     * {@link #end}. What is still queued then is dropped: the connection is over.
     *
     * @throws IOException when a write fails
     */
    void writeUntilEnd(WritableByteChannel channel) throws IOException, InterruptedException {
        ByteBuffer spare = ByteBuffer.allocate(BUFFER_BYTES);
        while (true) {
            ByteBuffer batch;
            lock.lock();
            try {
                while (queued.position() == 0 && !ended) {
                    some.await();
                }
                if (ended) {
                    return;
                }
                batch = queued;
                queued = spare;
                taken.signalAll();
            } finally {
                lock.unlock();
            }
            batch.flip();
            while (batch.hasRemaining()) {
                channel.write(batch);
            }
            // A buffer grown for a large request goes back to the usual size.
            spare = batch.capacity() > BYTES_MAX ? ByteBuffer.allocate(BUFFER_BYTES) : batch.clear();
        }
    }

    /** Ends the queue: the writer returns, callers waiting for room give up. */
    void end() {
        lock.lock();
        try {
            ended = true;
            some.signal();
            taken.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
