package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Runs {@code ./totem} in-process with captured stdout and stderr. */
class MainTest {

    private final CliRun cli = new CliRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    /** Captures output; call after every subcommand is added, picocli copies writers only then. */
    private int run(CommandLine cmd, String... args) {
        return cli.run(cmd, args);
    }

    private int run(String... args) {
        return run(Main.commandLine(), args);
    }

    private String[] errLines() {
        return err.toString().lines().toArray(String[]::new);
    }

    @Test
    void helpListsEverySubcommandOnOneLine() {
        CommandLine cmd = Main.commandLine();

        assertThat(run(cmd, "--help")).isZero();

        assertThat(cmd.getSubcommands()).containsKeys("demo", "version", "jmh", "help");
        String commands = out.toString().substring(out.toString().indexOf("Commands:"));
        java.util.List<String> listed = cmd.getSubcommands().entrySet().stream()
                .filter(e -> !e.getValue().getCommandSpec().usageMessage().hidden()).map(java.util.Map.Entry::getKey).toList();
        for (String name : listed) {
            // The name and its description on the same line.
            assertThat(commands).containsPattern("(?m)^  " + Pattern.quote(name) + " +\\S");
        }
        // No description wrapped onto a continuation line; hidden commands (demo-node) not listed.
        assertThat(commands.lines().skip(1)).hasSize(listed.size());
        assertThat(commands).doesNotContain("demo-node");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void everyFooterLineFitsTheHelpWidthSoNoneIsRewrapped() {
        CommandLine cmd = Main.commandLine();
        int width = cmd.getUsageHelpWidth();
        for (var e : cmd.getSubcommands().entrySet()) {
            for (String line : e.getValue().getCommandSpec().usageMessage().footer()) {
                // picocli breaks a longer line at the width and leaves a stub on its own line.
                for (String printed : String.format(line).split("\n")) {
                    assertThat(printed.stripTrailing().length())
                            .as("%s footer line: %s", e.getKey(), printed).isLessThanOrEqualTo(width);
                }
            }
        }
    }

    @Test
    void noCommandShowsHelpAndFailsAsUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Commands:", "demo", "version");
    }

    @Test
    void unknownOptionIsOneLineAndExitTwo() {
        assertThat(run("--x")).isEqualTo(2);

        assertThat(errLines()).containsExactly("totem: Unknown option: '--x' (see ./totem --help)");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownOptionOfSubcommandPointsAtItsHelp() {
        assertThat(run("version", "--x")).isEqualTo(2);

        assertThat(errLines()).hasSize(1);
        assertThat(err.toString()).contains("'--x'", "(see ./totem version --help)");
    }

    @Test
    void misspelledCommandSuggestsOnTheSameLine() {
        assertThat(run("dem")).isEqualTo(2);

        assertThat(errLines()).hasSize(1);
        assertThat(err.toString()).startsWith("totem: ").contains("'dem'", "demo").doesNotContain("Exception");
    }

    @Test
    void versionPrintsTotemAndJavaVersions() {
        assertThat(run("version")).isZero();

        String[] lines = out.toString().lines().toArray(String[]::new);
        // Filtered from the pom: a real version, not the ${project.version} placeholder.
        assertThat(lines[0]).matches("totem \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(lines[1]).startsWith("Java " + System.getProperty("java.version"));
    }

    @Test
    void dashDashVersionPrintsTheSameAsVersion() {
        run("version");
        String viaCommand = out.toString();
        out.getBuffer().setLength(0);

        assertThat(run("--version")).isZero();
        assertThat(out.toString()).isEqualTo(viaCommand);
    }

    @Test
    void subcommandVersionOptionPrintsTheTotemVersion() {
        assertThat(run("demo", "-V")).isZero();
        assertThat(out.toString()).startsWith("totem ");
    }

    @Test
    void demoRefusesAnUnknownTransportInOneLine() {
        assertThat(run("demo", "--transport", "knet")).isEqualTo(1);
        assertThat(errLines()).hasSize(1);
        assertThat(err.toString()).contains("--transport must be udpu or udp");
    }

    @Test
    void demoJudgesOrderOnTheMessagesTwoNodesHaveInCommon() {
        assertThat(DemoCommand.sameRelativeOrder(java.util.List.of("a", "b", "c"), java.util.List.of("b", "x", "c"))).isTrue();
        assertThat(DemoCommand.sameRelativeOrder(java.util.List.of("a", "c", "b"), java.util.List.of("b", "c"))).isFalse();
    }

    @Test
    void userErrorIsOneLineAndExitOne() {
        CommandLine cmd = Main.commandLine();
        cmd.addSubcommand("fail", new Throwing(new UserError("no such file: cluster.conf")));

        assertThat(run(cmd, "fail")).isEqualTo(1);
        assertThat(errLines()).containsExactly("totem: no such file: cluster.conf");
    }

    @Test
    void bugShowsStackTraceAndExitOne() {
        CommandLine cmd = Main.commandLine();
        cmd.addSubcommand("fail", new Throwing(new IllegalStateException("broken invariant")));

        assertThat(run(cmd, "fail")).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("totem: internal error")
                .contains("IllegalStateException: broken invariant", "\tat ");
    }

    @Test
    void jmhPassesEveryArgumentThroughInOrder() {
        JmhCommand jmh = new JmhCommand();
        new CommandLine(jmh).parseArgs("-h", "-f", "1", "-wi", "2", "--", "Codec.*");

        assertThat(jmh.jmhArgs()).containsExactly("-h", "-f", "1", "-wi", "2", "Codec.*");
    }

    @Test
    void jmhListWithoutBenchmarksSaysNoneAndSucceeds() {
        CommandLine cmd = Main.withErrorHandling(new CommandLine(new JmhCommand(emptyClassPath())));

        assertThat(run(cmd, "-l")).isZero();
        assertThat(out.toString()).startsWith("Benchmarks: none");
    }

    @Test
    void jmhRunWithoutBenchmarksIsOneLineUserError() {
        CommandLine cmd = Main.withErrorHandling(new CommandLine(new JmhCommand(emptyClassPath())));

        assertThat(run(cmd, "-f", "1")).isEqualTo(1);
        assertThat(errLines()).containsExactly("totem: no JMH benchmarks in this build: the perf module has none yet");
    }

    /** Sees only the JDK, so there is no META-INF/BenchmarkList whatever perf holds. */
    private static ClassLoader emptyClassPath() {
        return new ClassLoader(null) {};
    }

    @Command(name = "fail")
    private static final class Throwing implements Callable<Integer> {
        private final RuntimeException toThrow;

        Throwing(RuntimeException toThrow) {
            this.toThrow = toThrow;
        }

        @Override
        public Integer call() {
            throw toThrow;
        }
    }
}
