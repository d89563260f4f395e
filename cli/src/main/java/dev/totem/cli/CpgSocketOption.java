package dev.totem.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --socket PATH}: the node's CPG socket, for the commands that speak CPG to a node (a picocli mixin). */
final class CpgSocketOption {
    @Option(names = "--socket", paramLabel = "PATH", description = "The node's CPG socket (default: ${DEFAULT-VALUE}).")
    private Path path = CpgCommand.DEFAULT_SOCKET;

    Path path() {
        return path;
    }
}
