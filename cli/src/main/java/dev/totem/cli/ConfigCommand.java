package dev.totem.cli;

import dev.totem.node.config.ConfigProblem;
import dev.totem.node.config.ConfigResult;
import dev.totem.node.config.NodeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./totem config}: tools for the node configuration file (corosync.conf syntax). */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Check a configuration file (corosync.conf syntax); reload a node's.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Reload.class})
public final class ConfigCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** Without a subcommand there is nothing to do: show the help and fail, so scripts notice. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** {@code ./totem config reload}: a running node reads its configuration file again (corosync-cfgtool -R). */
    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Have a running node, or every node, reload its configuration file.",
            footer = {"%nThe node takes the new nodelist at once: it sends to the nodes listed and takes",
                "frames only from them, so a node can join a running cluster or be taken out of",
                "it. The totem timeouts and constants, window_size and max_messages, and the",
                "logging and uidgid sections are applied at once too. Any other change (netmtu,",
                "addresses, crypto) is named in the answer and waits for a restart; a file with",
                "an error changes nothing. Each node reads its own file: edit every node's, then",
                "reload with --cluster (as corosync-cfgtool -R), or reload on every node.",
                "SIGHUP (systemctl reload) reloads the node's file too, then the key.",
                "Prints  ok nodelist: added 4[; totem: NAME OLD -> NEW, ...]",
                "        [; waiting for a restart: NAME OLD -> NEW, ...][; asked nodes 2 3 ...]"})
    static final class Reload implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @picocli.CommandLine.Mixin
        private AdminSocketOption socket;

        @Option(names = "--cluster", description = "Then have every other node in the ring reload its own file "
                + "(the node reloads first; the others are asked only when it succeeded; each logs its result).")
        private boolean cluster;

        @Override
        public Integer call() {
            String answer = AdminCall.ask(socket.path(), cluster ? dev.totem.node.admin.AdminServer.CONFIG_RELOAD_CLUSTER
                    : dev.totem.node.admin.AdminServer.CONFIG_RELOAD, java.time.Duration.ofSeconds(10));
            spec.commandLine().getOut().println(answer);
            return ExitCode.OK;
        }
    }

    /** {@code ./totem config check FILE}: validates without starting a node. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate FILE without starting a node.",
            footer = {"%nPrints each problem as FILE:LINE: warning|error: message, in file order, then",
                "  config: OK, N nodes, transport T, token MS ms   or   config: N errors",
                "and exits 0 when there is no error (warnings allowed), 1 otherwise."})
    public static final class Check implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "0..1", description = "The configuration file (default: ${DEFAULT-VALUE}, the node's), "
                + "e.g. node/examples/totem-udpu-loopback.conf.")
        private Path file = NodeCommand.DEFAULT_CONFIG;

        @Override
        public Integer call() {
            ConfigResult result = load(file);
            PrintWriter out = spec.commandLine().getOut();
            // One list in file order, so the report reads top-down like the file.
            List<Line> lines = new ArrayList<>();
            result.warnings().forEach(p -> lines.add(new Line(p, "warning")));
            result.errors().forEach(p -> lines.add(new Line(p, "error")));
            lines.sort(Comparator.comparingInt(l -> l.problem().line()));
            for (Line line : lines) {
                out.println(line.problem().describe(line.severity()));
            }
            out.println(summary(result));
            out.flush();
            return result.ok() ? ExitCode.OK : ExitCode.SOFTWARE;
        }

        private record Line(ConfigProblem problem, String severity) {
        }

        /**
         * Reads and checks a configuration file, for every command that takes one.
         *
         * @throws UserError naming the file and why it cannot be read
         */
        static ConfigResult load(Path file) {
            try {
                return NodeConfig.load(file);
            } catch (NoSuchFileException e) {
                throw new UserError("cannot read " + file + ": no such file", e);
            } catch (AccessDeniedException e) {
                throw new UserError("cannot read " + file + ": permission denied", e);
            } catch (CharacterCodingException e) {
                throw new UserError("cannot read " + file + ": not UTF-8 text", e);
            } catch (IOException e) {
                throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        /**
         * @return {@code config: OK, 3 nodes, transport udpu, token 3650 ms[, 2 networks (passive)][, N warnings]}
         *     or {@code config: N errors[, N warnings]}
         */
        static String summary(ConfigResult result) {
            StringBuilder line = new StringBuilder("config: ");
            if (result.ok()) {
                NodeConfig config = result.config();
                line.append("OK, ")
                        .append(config.nodes().isEmpty() ? "no nodelist" : count(config.nodes().size(), "node"))
                        .append(", transport ").append(config.transport())
                        .append(", token ").append(config.totem().tokenTimeoutMs()).append(" ms");
                if (config.ringCount() > 1) {
                    line.append(", ").append(config.ringCount()).append(" networks (").append(config.rrpMode()).append(')');
                }
            } else {
                line.append(count(result.errors().size(), "error"));
            }
            if (!result.warnings().isEmpty()) {
                line.append(", ").append(count(result.warnings().size(), "warning"));
            }
            return line.toString();
        }

        private static String count(int n, String noun) {
            return n + " " + noun + (n == 1 ? "" : "s");
        }
    }
}
