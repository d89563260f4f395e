package dev.totem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem demo}: for now a placeholder that says what exists and what is coming.
 *
 * <p>It will start a small cluster on loopback doing real work once the engine, the node runtime
 * and the simulator exist. Until then it says so plainly and exits 0, so the README's first
 * command works on a fresh machine without promising more than there is.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run a small cluster on loopback (for now a placeholder).")
public final class DemoCommand implements Callable<Integer> {

    private static final String TEXT = """
            totem demo: placeholder. There is no cluster to show yet.

            The demo will start a small cluster of nodes on this machine, talking over
            loopback (multicast on lo, TTL 1, nothing leaves the host), that order and
            deliver messages in agreed and safe order and show membership changes as
            nodes stop and start.

            What exists now:
              - the multi-module build and this launcher: ./totem version, ./totem jmh
              - the engine interface both drivers will share
                (totem-protocol, dev.totem.protocol.api.TotemEngine)

            What is coming (being written, not runnable yet):
              - the Totem frames and ordering engine (totem-protocol), then membership
              - ./totem sim: run clusters in the deterministic simulator, with a virtual
                clock, seeded loss, delay, partitions and crashes, checking the Extended
                Virtual Synchrony properties; any run replays from its seed
              - the node runtime (UDP over netty, local IPC), which this demo will run
              - ./totem jmh: JMH microbenchmarks from the perf module (it has none yet)
            """;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(TEXT);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
