package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's main job as an integration test: three real node processes on loopback (sealed
 * frames), one killed with SIGKILL and restarted. The ring forms, the survivors see a
 * transitional then a regular configuration of two, the restarted node merges back, and every
 * node delivered the messages it shares with any other in one order.
 */
class DemoProcessesTest {
    @ParameterizedTest
    @ValueSource(strings = {"udpu", "udp"})
    void threeProcessesKillAndRestartOneAndKeepOneOrder(String transport) {
        CliRun cli = new CliRun();

        int exit = cli.run("demo", "--transport", transport, "--rate", "100");

        String text = cli.out.toString();
        assertThat(exit).as("demo output:%n%s%nerrors:%n%s", text, cli.err).isZero();
        assertThat(text).contains("node 1: transitional configuration", "members [1, 2]");
        assertThat(text).containsPattern("node 3: regular +configuration, ring \\S+, members \\[1, 2, 3\\]");
        String last = text.lines().reduce((a, b) -> b).orElse("");
        assertThat(last).matches("demo: nodes=3 delivered=[1-9][0-9]* identical-order=yes configs=[1-9][0-9]*");
    }
}
