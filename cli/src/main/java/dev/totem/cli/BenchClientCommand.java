package dev.totem.cli;

import dev.totem.perf.bench.BenchNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One CPG client process of {@code ./totem bench --mode ipc} (hidden); see {@link BenchNode}. */
@Command(name = "bench-client", hidden = true, description = "One CPG client process of ./totem bench --mode ipc.")
public final class BenchClientCommand implements Callable<Integer> {
    @Option(names = "--socket", required = true, paramLabel = "PATH", description = "The node's CPG socket.")
    private Path socket;

    @Option(names = "--admin-socket", required = true, paramLabel = "PATH", description = "The node's admin socket.")
    private Path adminSocket;

    @Option(names = "--nodeid", required = true, description = "The node's id.")
    private int nodeId;

    @Option(names = "--members", required = true, description = "Workers to wait for in the bench group.")
    private int members;

    @Override
    public Integer call() throws Exception {
        try {
            BenchNode.runOverIpc(socket, adminSocket, nodeId, members, System.out);
        } catch (IOException e) {
            throw new UserError("bench-client: " + e.getMessage());
        }
        return 0;
    }
}
