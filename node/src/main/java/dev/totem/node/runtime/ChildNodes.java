package dev.totem.node.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Stopping the processes a tool started and drives over stdin ({@code bench-node}, bench's CPG
 * clients, {@code locks-node}): they take {@code quit} (or the end of stdin) as the order to
 * leave (the ring, or their group) and exit.
 */
public final class ChildNodes {
    /** How long a node process may take to leave the ring and exit before it is killed. */
    public static final long QUIT_TIMEOUT_SECONDS = 10;

    private ChildNodes() {}

    /** Writes {@code quit} to every process and closes its stdin, then kills those still running after the timeout. */
    public static void quit(List<Process> processes) throws InterruptedException {
        for (Process p : processes) {
            try {
                p.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
            } catch (IOException e) {
                // already gone
            }
        }
        for (Process p : processes) {
            if (!p.waitFor(QUIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * Sends SIGTERM to every process (a node leaves its ring on it), then SIGKILL to those still
     * running {@link #QUIT_TIMEOUT_SECONDS} later; interrupted, kills the rest at once.
     */
    public static void terminate(List<ProcessHandle> processes) throws InterruptedException {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(QUIT_TIMEOUT_SECONDS);
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                processes.forEach(ProcessHandle::destroyForcibly);
                throw e;
            }
        }
    }

    /**
     * Until it is closed, stops this JVM's child processes if the JVM itself is stopped (Ctrl-C,
     * SIGTERM): a tool's {@code finally} blocks do not run then, and its nodes, which see the end of
     * their stdin only once their current phase is over, would go on sending for up to a minute into
     * whatever runs next. SIGTERM first, so that each leaves its ring cleanly; SIGKILL for those still
     * running after {@link #QUIT_TIMEOUT_SECONDS}.
     */
    public static OnExit stopChildrenOnExit() {
        return new OnExit();
    }

    /** The registration made by {@link #stopChildrenOnExit()}; closing it takes it back. */
    public static final class OnExit implements AutoCloseable {
        private final Thread hook = new Thread(OnExit::stopChildren, "stop-children");

        private OnExit() {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        private static void stopChildren() {
            try {
                terminate(ProcessHandle.current().children().collect(Collectors.toList()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is stopping already: the hook runs
            }
        }
    }
}
