package dev.totem.cli;

import dev.totem.node.admin.AdminClient;
import dev.totem.node.config.ConfigException;
import dev.totem.node.config.ConfigProblem;
import dev.totem.node.config.ConfigResult;
import dev.totem.node.config.NodeConfig;
import dev.totem.node.runtime.LogOutputs;
import dev.totem.node.runtime.NodeLog;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.SettingsFromConfig;
import dev.totem.node.runtime.SettingsSource;
import dev.totem.node.runtime.SystemdNotifier;
import dev.totem.node.runtime.TotemNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem node -c FILE}: runs one cluster node in the foreground until SIGTERM or Ctrl-C,
 * which leave the ring cleanly. The node runs the CPG service; local processes reach it on the
 * CPG socket ({@code ./totem testcpg}, {@code CpgClient}), as the file's {@code uidgid}
 * sections allow.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Run a cluster node in the foreground (corosync.conf syntax).")
public final class NodeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Where a node reads its configuration unless told otherwise (corosync's is /etc/corosync/corosync.conf). */
    static final Path DEFAULT_CONFIG = Path.of("/etc/totem/totem.conf");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The configuration file (default: ${DEFAULT-VALUE}).")
    private Path config = DEFAULT_CONFIG;

    @Option(names = "--nodeid", description = "This node's id, when no ring0_addr of the nodelist is a local address "
            + "(several nodes on one host).")
    private Integer nodeId;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the ring seq is kept (default: ${DEFAULT-VALUE}).")
    private Path stateDir = Path.of("/var/lib/totem");

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics on 127.0.0.1:PORT/metrics.")
    private Integer metricsPort;

    @Option(names = "--admin-socket", paramLabel = "PATH", description = "The admin socket ./totem status asks "
            + "(default: ${DEFAULT-VALUE}).")
    private Path adminSocket = AdminClient.DEFAULT_SOCKET;

    @Option(names = "--cpg-socket", paramLabel = "PATH", description = "The CPG socket clients connect to "
            + "(default: ${DEFAULT-VALUE}).")
    private Path cpgSocket = CpgCommand.DEFAULT_SOCKET;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ConfigResult result = ConfigCommand.Check.load(config);
        for (ConfigProblem w : result.warnings()) {
            err.println(w.describe("warning"));
        }
        if (!result.ok()) {
            for (ConfigProblem e : result.errors()) {
                err.println(e.describe("error"));
            }
            err.flush();
            throw new UserError(config + ": " + result.errors().size() + " error(s); the node was not started");
        }
        SettingsFromConfig.Overrides overrides = new SettingsFromConfig.Overrides(
                nodeId == null ? OptionalInt.empty() : OptionalInt.of(nodeId), stateDir,
                metricsPort == null ? OptionalInt.empty() : OptionalInt.of(metricsPort), Optional.of(adminSocket),
                true, Optional.of(cpgSocket));
        SettingsFromConfig.Result settings;
        try {
            settings = SettingsFromConfig.settings(result.config(), overrides);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        for (String note : settings.notes()) {
            err.println("note: " + note);
        }
        err.flush();
        LogOutputs logs = new LogOutputs();
        String logTo;
        try {
            logTo = logs.apply(result.config().logging());
        } catch (IOException e) {
            throw new UserError(config + ": " + e.getMessage(), e);
        }
        TotemNode node = new TotemNode(settings.settings());
        NodeLog log = new NodeLog(node.nodeId());
        log.info("log to " + logTo);
        node.reloadConfigFrom(reloading(config, overrides, logs, log));
        Optional<SystemdNotifier> systemd = systemdNotifier(err);
        systemd.ifPresent(n -> Runtime.getRuntime().addShutdownHook(new Thread(() -> n.stopping().ifPresent(
                reason -> warn(err, reason)), "totem-systemd-stopping")));
        // Before start, so that no configuration goes unreported.
        systemd.ifPresent(n -> node.addListener(n.statusListener(reason -> warn(err, reason))));
        node.installShutdownHook();
        try {
            node.start();
        } catch (IOException e) {
            node.close();
            throw new UserError("node " + node.nodeId() + " could not start: " + e.getMessage(), e);
        }
        systemd.ifPresent(n -> n.ready("sockets bound; forming a ring").ifPresent(reason -> warn(err, reason)));
        installReloadOnSighup(node, err);
        node.terminationFuture().join();
        return 0;
    }

    /** The systemd notifier when the node runs as a {@code Type=notify} service, else empty. */
    private static Optional<SystemdNotifier> systemdNotifier(PrintWriter err) {
        try {
            return SystemdNotifier.fromEnvironment(System.getenv());
        } catch (IOException e) {
            warn(err, e.getMessage());
            return Optional.empty();
        }
    }

    private static void warn(PrintWriter err, String message) {
        err.println("warning: " + message);
        err.flush();
    }

    /**
     * The settings from the file again, with the same command line, for a reload.
     *
     * @throws ConfigException naming the file's first error, or why it cannot be read
     */
    static RuntimeSettings reread(Path config, SettingsFromConfig.Overrides overrides) {
        return SettingsFromConfig.settings(validated(config), overrides).settings();
    }

    /**
     * What a reload reads: the settings from the file again ({@link #reread}), and its
     * {@code logging} section, applied at once (debug on, another log file) once the file is
     * known to be valid.
     */
    static SettingsSource reloading(Path config, SettingsFromConfig.Overrides overrides, LogOutputs logs, NodeLog log) {
        return () -> {
            NodeConfig file = validated(config);
            RuntimeSettings settings = SettingsFromConfig.settings(file, overrides).settings();
            try {
                log.info("log to " + logs.apply(file.logging()));
            } catch (IOException e) {
                throw new ConfigException(e.getMessage());
            }
            return settings;
        };
    }

    /** @throws ConfigException naming the file's first error, or why it cannot be read */
    private static NodeConfig validated(Path config) {
        ConfigResult result;
        try {
            result = ConfigCommand.Check.load(config);
        } catch (UserError e) {
            throw new ConfigException(e.getMessage());
        }
        if (!result.ok()) {
            throw new ConfigException(result.errors().size() + " error(s) (./totem config check " + config + "), the first: "
                    + result.errors().get(0).describe("error"));
        }
        return result.config();
    }

    /**
     * SIGHUP (systemctl reload) reloads the configuration file, as {@code ./totem config reload}
     * does, then the key file, as {@code ./totem crypto reload} does.
     */
    private static void installReloadOnSighup(TotemNode node, PrintWriter err) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> node.reloadConfig().thenCompose(line -> {
                report(err, "SIGHUP: config: " + line);
                return node.settings().crypto().isPresent() ? node.reloadKey().thenApply(key -> "key: " + key)
                        : java.util.concurrent.CompletableFuture.completedFuture("");
            }).thenAccept(line -> {
                if (!line.isEmpty()) {
                    report(err, "SIGHUP: " + line);
                }
            }));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            err.println("note: SIGHUP cannot be caught here (" + e.getMessage()
                    + "); use ./totem config reload and ./totem crypto reload");
        }
    }

    private static void report(PrintWriter err, String line) {
        err.println(line);
        err.flush();
    }
}
