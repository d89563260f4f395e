package dev.totem.node.runtime;

import dev.totem.node.config.ConfigException;

/**
 * Reads a node's settings again, as they were made at start (the same file, the same command
 * line), for {@link TotemNode#reloadConfig}. Called on the node's loop.
 */
@FunctionalInterface
public interface SettingsSource {
    /**
     * @throws ConfigException when the file cannot be read, is invalid, or no longer fits this host
     */
    RuntimeSettings read();
}
