package dev.totem.locks.baseline;

import java.nio.channels.Selector;

/** The one way this module stops a thread that loops over a selector. */
public final class SelectorThread {
    private static final long JOIN_MILLIS = 5_000;

    private SelectorThread() {}

    /**
     * Wakes {@code selector} so that {@code thread}, whose running flag the caller has already
     * cleared, sees it, and waits up to 5 s for the thread to end.
     */
    public static void stop(Selector selector, Thread thread) {
        selector.wakeup();
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
