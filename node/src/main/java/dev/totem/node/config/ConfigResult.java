package dev.totem.node.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of reading a configuration file: every error and warning found, and the validated
 * configuration when there was no error. Problems are collected, not thrown at the first one, so a
 * user fixes a file in one round.
 *
 * @param config the validated configuration; {@code null} exactly when {@code errors} is not empty
 * @param errors problems that make the file unusable, in file order
 * @param warnings problems that do not stop a node (ignored corosync options, derived values)
 */
public record ConfigResult(NodeConfig config, List<ConfigProblem> errors, List<ConfigProblem> warnings) {

    /** Copies the lists and checks that a configuration is present exactly when there is no error. */
    public ConfigResult {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        if ((config == null) == errors.isEmpty()) {
            throw new IllegalArgumentException(config == null
                    ? "a result without errors needs a configuration"
                    : "a result with errors carries no configuration");
        }
    }

    /** @return true when the file has no error (warnings allowed) */
    public boolean ok() {
        return errors.isEmpty();
    }

    /**
     * The configuration, for callers that cannot go on without one.
     *
     * @return the validated configuration
     * @throws ConfigException when there were errors; its message lists them one per line
     */
    public NodeConfig orElseThrow() {
        if (config == null) {
            throw new ConfigException(errors.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        }
        return config;
    }
}
