package dev.totem.cli;

import dev.totem.locks.LockConfig;
import dev.totem.locks.bench.LocksNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One node process of {@code ./totem locks bench} (hidden): a node with CPG and a lock service; see {@link LocksNode}. */
@Command(name = "locks-node", hidden = true, description = "One node process of ./totem locks bench.")
public final class LocksNodeCommand implements Callable<Integer> {
    @Mixin
    private NodeProcessOptions node;

    @Option(names = "--guarantee", defaultValue = "safe", description = "How acquires and releases travel: safe or agreed.")
    private String guarantee;

    @Option(names = "--requests-max", defaultValue = "4096", description = "The most requests a lock table holds.")
    private int requestsMax;

    @Option(names = "--on-loop", description = "Run the lock service on the node's loop, not on a thread of its own.")
    private boolean onLoop;

    @Override
    public Integer call() throws Exception {
        LockConfig config = LockConfig.defaults().withRequestGuarantee(GuaranteeOption.parse("locks-node", guarantee))
                .withRequestsMax(requestsMax);
        new LocksNode(node.settings(true), config, System.out, onLoop).run(System.in);
        return 0;
    }
}
