package dev.totem.node.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
}
