package dev.totem.cli;

import dev.totem.perf.bench.BenchNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** One node process of {@code ./totem bench} (hidden); see {@link BenchNode}. */
@Command(name = "bench-node", hidden = true, description = "One node process of ./totem bench.")
public final class BenchNodeCommand implements Callable<Integer> {
    @Mixin
    private NodeProcessOptions node;

    @Override
    public Integer call() throws Exception {
        new BenchNode(node.settings(false), System.out).run();
        return 0;
    }
}
