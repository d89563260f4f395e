package dev.totem.cli;

import dev.totem.node.admin.AdminClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --socket PATH} (or {@code --admin-socket}, as {@code ./totem node} names it): the node's
 * admin socket, for the commands that ask a running node (a picocli mixin).
 */
final class AdminSocketOption {
    @Option(names = {"--socket", "--admin-socket"}, paramLabel = "PATH",
            description = "The node's admin socket (default: ${DEFAULT-VALUE}).")
    private Path path = AdminClient.DEFAULT_SOCKET;

    Path path() {
        return path;
    }
}
