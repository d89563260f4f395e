package dev.totem.node.config;

/**
 * A configuration that cannot be used as asked: errors in the file, or no way to tell which node
 * of the nodelist this process is. The message is written for the user (it names the file, the
 * node ids or the option to use), so a command line can print it as it is.
 */
public class ConfigException extends RuntimeException {
    /**
     * @param message what is wrong and what to do instead, for the user
     */
    public ConfigException(String message) {
        super(message);
    }
}
