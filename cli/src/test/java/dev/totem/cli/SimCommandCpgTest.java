package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code ./totem sim --layer cpg}: the option reaches the runner and the replay command keeps it. */
class SimCommandCpgTest {
    private final CliRun cli = new CliRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void aSmallCpgRunPassesAndSaysSo() {
        assertThat(run("sim", "--layer", "cpg", "--nodes", "3", "--faults", "crash", "--seeds", "1", "--messages", "200",
                "--jobs", "1")).isZero();
        assertThat(out.toString()).containsPattern("seeds=1 nodes=3 delivered=[1-9][0-9]* configs=[0-9]+ violations=0");
        assertThat(err.toString()).contains("layer cpg");
    }

    @Test
    void anUnknownLayerIsAUserError() {
        assertThat(run("sim", "--layer", "rings", "--seeds", "1")).isEqualTo(1);
        assertThat(err.toString()).contains("unknown layer 'rings'; expected engine or cpg");
    }

    @Test
    void theCpgLayerNeedsTheTotemEngine() {
        assertThat(run("sim", "--layer", "cpg", "--engine", "srp", "--seeds", "1")).isEqualTo(1);
        assertThat(err.toString()).contains("CPG layer needs configuration changes");
    }
}
