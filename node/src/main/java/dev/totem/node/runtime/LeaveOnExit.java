package dev.totem.node.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A node's JVM shutdown hook ({@link TotemNode#installShutdownHook}): on SIGTERM or any JVM exit
 * it asks the node to leave the ring cleanly, waits up to a bound, then closes it.
 */
final class LeaveOnExit {
    private final String threadName;
    private final Supplier<CompletableFuture<Void>> leave;
    private final Runnable close;
    private final NodeLog log;
    private Thread hook;

    LeaveOnExit(int nodeId, Supplier<CompletableFuture<Void>> leave, Runnable close, NodeLog log) {
        this.threadName = "totem-node-" + nodeId + "-shutdown";
        this.leave = leave;
        this.close = close;
        this.log = log;
    }

    /** Registers the hook once; later calls return the same thread. */
    synchronized Thread install(Duration leaveTimeout) {
        if (hook == null) {
            Thread t = new Thread(() -> {
                try {
                    leave.get().get(leaveTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    log.warning("no clean leave within " + leaveTimeout.toMillis() + " ms; closing");
                }
                close.run();
            }, threadName);
            Runtime.getRuntime().addShutdownHook(t);
            hook = t;
        }
        return hook;
    }

    /** Unregisters the hook, unless it is the thread running now (the hook closing the node). */
    synchronized void remove() {
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook runs or ran.
        }
        hook = null;
    }
}
