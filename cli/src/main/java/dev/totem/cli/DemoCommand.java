package dev.totem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem demo}: for now a placeholder that says what exists and what is coming.
 *
 * <p>It will start a small cluster of node processes on loopback once the node runtime exists.
 * Until then it says so plainly, points at what runs (the simulator) and exits 0.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run a small cluster on loopback (for now a placeholder).")
public final class DemoCommand implements Callable<Integer> {

    private static final String TEXT = """
            totem demo: placeholder. The real demo (3 node processes on loopback) comes
            with the node runtime, which is being written.

            What runs now: the protocol itself, in the deterministic simulator. Try
              ./totem sim --nodes 5 --seeds 1..20 --messages 2000 --faults chaos
              ./totem sim --nodes 5 --seeds 7 --faults chaos --timeline seed-7.html
            The first runs 20 seeded clusters through partitions, crashes, pauses and
            loss and checks the Extended Virtual Synchrony properties on every history;
            the second draws one run as a page you open in a browser.

            Also here: ./totem config check FILE (corosync.conf syntax), ./totem jmh
            (microbenchmarks), ./totem version.
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
