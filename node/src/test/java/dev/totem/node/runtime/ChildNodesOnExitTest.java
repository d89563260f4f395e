package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChildNodesOnExitTest {
    /**
     * A tool in miniature: starts {@code sleep 300} as its child, with the hook or without it
     * ({@code args[0]}), prints the child's pid and waits to be stopped.
     */
    public static final class Tool {
        public static void main(String[] args) throws Exception {
            ChildNodes.OnExit stop = args[0].equals("hook") ? ChildNodes.stopChildrenOnExit() : null;
            Process sleeper = new ProcessBuilder("sleep", "300").start();
            System.out.println(sleeper.pid());
            System.out.flush();
            new CountDownLatch(1).await(); // until the test stops this JVM
            if (stop != null) {
                stop.close();
            }
        }
    }

    /** Runs {@link Tool}, stops it with SIGTERM, and returns its child's handle. */
    private static ProcessHandle childOfAToolStoppedBySigterm(String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process tool = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Tool.class.getName(), mode)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long childPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8))) {
            childPid = Long.parseLong(out.readLine().strip());
            tool.destroy(); // SIGTERM, as Ctrl-C or kill would stop it
            assertThat(tool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        Optional<ProcessHandle> child = ProcessHandle.of(childPid);
        return child.orElse(null);
    }

    @Test
    void aToolStoppedBySignalStopsItsChildrenWithIt() throws Exception {
        ProcessHandle child = childOfAToolStoppedBySigterm("hook");

        // Its parent waited for it to exit; a zombie not yet reaped by init counts as ended.
        assertThat(child == null || child.onExit().get(60, TimeUnit.SECONDS) != null).isTrue();
        assertThat(child == null || !child.isAlive()).isTrue();
    }

    @Test
    void withoutTheHookTheChildOutlivesItsTool() throws Exception {
        ProcessHandle child = childOfAToolStoppedBySigterm("none");
        try {
            assertThat(child).isNotNull();
            assertThat(child.isAlive()).isTrue();
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
        }
    }
}
