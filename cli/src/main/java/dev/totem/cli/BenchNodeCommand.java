package dev.totem.cli;

import dev.totem.perf.bench.BenchNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One node process of {@code ./totem bench --mode embedded|cpg} (hidden); see {@link BenchNode}. */
@Command(name = "bench-node", hidden = true, description = "One node process of ./totem bench.")
public final class BenchNodeCommand implements Callable<Integer> {
    @Mixin
    private NodeProcessOptions node;

    @Option(names = "--cpg", description = "Run CPG and send through an embedded CPG handle.")
    private boolean cpg;

    @Override
    public Integer call() throws Exception {
        BenchNode.runEmbedded(node.settings(cpg), System.out);
        return 0;
    }
}
