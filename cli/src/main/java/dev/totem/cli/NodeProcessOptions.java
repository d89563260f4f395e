package dev.totem.cli;

import dev.totem.node.config.ConfigResult;
import dev.totem.node.config.NodeConfig;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.SettingsFromConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * The options of the hidden node processes that tools start ({@code demo-node},
 * {@code jepsen-node}): the cluster's configuration file, which node this is, where its state
 * lives; and the settings they make.
 */
final class NodeProcessOptions {
    @Option(names = "-c", required = true, description = "The cluster's configuration file.")
    Path config;

    @Option(names = "--nodeid", required = true, description = "This node's id in the nodelist.")
    int nodeId;

    @Option(names = "--state-dir", required = true, description = "Where this node keeps its ring seq file.")
    Path stateDir;

    /**
     * The node's runtime settings, from the file and these options.
     *
     * @param cpg run the CPG service (for code in the node's JVM; no IPC socket), else raw submit
     */
    RuntimeSettings settings(boolean cpg) throws Exception {
        return settings(cpg, Optional.empty());
    }

    /** As {@link #settings(boolean)}, the CPG service also serving other processes on {@code cpgSocket}. */
    RuntimeSettings settings(boolean cpg, Optional<Path> cpgSocket) throws Exception {
        ConfigResult result = NodeConfig.load(config);
        if (!result.ok()) {
            throw new UserError(config + ": " + result.errors());
        }
        return SettingsFromConfig.settings(result.config(), new SettingsFromConfig.Overrides(
                OptionalInt.of(nodeId), stateDir, OptionalInt.empty(), Optional.empty(), cpg, cpgSocket)).settings();
    }
}
