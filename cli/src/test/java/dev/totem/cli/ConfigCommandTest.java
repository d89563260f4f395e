package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code ./totem config check} in-process on small files. */
class ConfigCommandTest {

    private static final String NODES = "nodelist {\n"
            + "\tnode {\n\t\tnodeid: 1\n\t\tring0_addr: 127.0.0.1\n\t}\n"
            + "\tnode {\n\t\tnodeid: 2\n\t\tring0_addr: 127.0.0.2\n\t}\n"
            + "\tnode {\n\t\tnodeid: 3\n\t\tring0_addr: 127.0.0.3\n\t}\n"
            + "}\n";

    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    private String write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void aGoodFilePrintsTheSummaryAndExitsZero() throws IOException {
        String file = write("good.conf", "totem {\n\ttransport: udpu\n}\n" + NODES);

        assertThat(run("config", "check", file)).isZero();

        assertThat(out.toString().lines()).containsExactly("config: OK, 3 nodes, transport udpu, token 3650 ms");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void warningsArePrintedInFileOrderAndDoNotFail() throws IOException {
        String file = write("warn.conf", "totem {\n\ttransport: udpu\n\ttoken_warning: 75\n}\n" + NODES
                + "quorum {\n\tprovider: corosync_votequorum\n}\n");

        assertThat(run("config", "check", file)).isZero();

        assertThat(out.toString().lines()).containsExactly(
                file + ":3: warning: 'token_warning' is a corosync option we do not implement; ignored",
                file + ":19: warning: section 'quorum' is accepted and ignored: we do not implement quorum",
                "config: OK, 3 nodes, transport udpu, token 3650 ms, 2 warnings");
    }

    @Test
    void errorsAndWarningsAreListedThenCountedAndExitOne() throws IOException {
        String file = write("bad.conf", "totem {\n\ttransport: udpu\n\ttoken_retransmt: 500\n\tsend_join: 10\n"
                + "\twindow_size: abc\n}\n" + NODES);

        assertThat(run("config", "check", file)).isEqualTo(1);

        assertThat(out.toString().lines()).containsExactly(
                file + ":3: error: unknown key 'token_retransmt' in totem; did you mean 'token_retransmit'?",
                file + ":4: warning: 'send_join' is a corosync option we do not implement; ignored",
                file + ":5: error: window_size: 'abc' is not a whole number; allowed 1..4096",
                "config: 2 errors, 1 warning");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aMissingFileIsOneLineOnStderr() {
        String file = dir.resolve("nope.conf").toString();

        assertThat(run("config", "check", file)).isEqualTo(1);

        assertThat(err.toString().lines()).containsExactly("totem: cannot read " + file + ": no such file");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void withoutAFileBothReadTheNodesDefault() {
        Assumptions.assumeFalse(Files.exists(NodeCommand.DEFAULT_CONFIG), "a machine without " + NodeCommand.DEFAULT_CONFIG);
        String missing = "totem: cannot read " + NodeCommand.DEFAULT_CONFIG + ": no such file";

        assertThat(run("config", "check")).isEqualTo(1);
        assertThat(run("node")).isEqualTo(1);

        assertThat(err.toString().lines()).containsExactly(missing, missing);
    }

    @Test
    void aNodeGivenAMissingFileSaysSoAsCheckDoes() {
        String file = dir.resolve("nope.conf").toString();

        assertThat(run("node", "-c", file)).isEqualTo(1);

        assertThat(err.toString().lines()).containsExactly("totem: cannot read " + file + ": no such file");
    }

    @Test
    void theShippedExamplesPass() {
        assertThat(run("config", "check", "../node/examples/totem-udpu-loopback.conf")).isZero();
        assertThat(run("config", "check", "../node/examples/totem-udp-loopback.conf")).isZero();

        assertThat(out.toString().lines()).containsExactly(
                "config: OK, 3 nodes, transport udpu, token 3650 ms",
                "config: OK, 3 nodes, transport udp, token 3650 ms");
    }

    @Test
    void configWithoutSubcommandShowsItsHelpAndFailsAsUsageError() {
        assertThat(run("config")).isEqualTo(2);

        assertThat(err.toString()).contains("check", "Validate FILE without starting a node.");
    }
}
