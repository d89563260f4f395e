package dev.totem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of the {@code ./totem} launcher: one picocli command whose subcommands are the tools.
 *
 * <p>To add a tool, write a picocli {@code @Command} class (usually with
 * {@code mixinStandardHelpOptions = true}) and add it to the {@code subcommands} list below; that
 * list is the only place commands are registered. {@code ./totem --help} lists each command with
 * its description, which must fit on that one line (about 65 characters). A command should
 * print through {@code spec.commandLine().getOut()} / {@code getErr()} (so tests can capture it),
 * report user mistakes by throwing {@link UserError}, and return an exit code from
 * {@link ExitCode}: 0 ok, 1 failure, 2 usage error.
 */
@Command(
        name = "totem",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Tools for Totem, the ordering and membership engine behind corosync, in Java.",
        commandListHeading = "%nCommands:%n",
        subcommands = {
            // The registry of commands, in the order --help lists them.
            DemoCommand.class,
            DemoNodeCommand.class,
            JepsenCommand.class,
            JepsenNodeCommand.class,
            JepsenClientCommand.class,
            BenchCommand.class,
            BenchNodeCommand.class,
            BenchClientCommand.class,
            NodeCommand.class,
            TestcpgCommand.class,
            CpgCommand.class,
            CpgbenchCommand.class,
            SimCommand.class,
            LocksCommand.class,
            LocksNodeCommand.class,
            LocksServerCommand.class,
            StatusCommand.class,
            ConfigCommand.class,
            KeygenCommand.class,
            CryptoCommand.class,
            RrpCommand.class,
            VersionCommand.class,
            JmhCommand.class,
            HelpCommand.class,
        })
public final class Main implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private static final String NETTY_LEAK_DETECTION = "io.netty.leakDetection.level";

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the arguments given to {@code ./totem}
     */
    public static void main(String[] args) {
        // Netty samples one buffer in 128 for leak reports, each with a stack trace: 1.4 % of a
        // node's CPU at 8000 B (perf/HISTORY.md, session 27). Set before netty reads it; tests, which do not
        // start here, keep the sampling, and -Dio.netty.leakDetection.level=simple brings it back.
        if (System.getProperty(NETTY_LEAK_DETECTION) == null) {
            System.setProperty(NETTY_LEAK_DETECTION, "disabled");
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * Builds the command line with every registered command and the error handling of
     * {@code ./totem}. Tests use it to run commands in-process.
     *
     * @return a fresh command line, writing to {@code System.out} and {@code System.err}
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        shareVersion(cmd);
        return withErrorHandling(cmd);
    }

    /** Lets {@code -V} of every command that has none of its own print the totem version. */
    private static void shareVersion(CommandLine cmd) {
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null) {
                sub.getCommandSpec().versionProvider(new VersionCommand());
            }
            shareVersion(sub);
        }
    }

    /**
     * Installs the error handling of {@code ./totem}: one line for user mistakes, a stack trace
     * only for bugs.
     *
     * @param cmd the command line to configure
     * @return {@code cmd}
     */
    static CommandLine withErrorHandling(CommandLine cmd) {
        ErrorReporter reporter = new ErrorReporter();
        cmd.setParameterExceptionHandler(reporter);
        cmd.setExecutionExceptionHandler(reporter);
        return cmd;
    }

    /** Without a command there is nothing to do: show the help and fail, so scripts notice. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
