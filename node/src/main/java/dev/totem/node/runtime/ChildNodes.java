package dev.totem.node.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stopping the node processes a tool started ({@code bench-node}, {@code locks-node}): they read
 * commands on stdin and take {@code quit} (or its end) as the order to leave the ring and exit.
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
