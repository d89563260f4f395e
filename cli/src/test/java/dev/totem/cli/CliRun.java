package dev.totem.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code ./totem} commands in-process with their stdout and stderr captured, for tests. */
final class CliRun {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    /** Runs {@code ./totem args}. */
    int run(String... args) {
        return run(Main.commandLine(), args);
    }

    /** Runs {@code cmd}; call after every subcommand is added, since picocli copies writers only then. */
    int run(CommandLine cmd, String... args) {
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }
}
