package dev.totem.cli;

import dev.totem.jepsen.JepsenNode;
import dev.totem.jepsen.JepsenRun;
import dev.totem.membership.TotemProcessor.PlantedBug;
import dev.totem.simulator.run.Layer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One node process of {@code ./totem jepsen} (hidden); see {@link JepsenNode}. */
@Command(name = "jepsen-node", hidden = true, description = "One node process of ./totem jepsen.")
public final class JepsenNodeCommand implements Callable<Integer> {
    @Mixin
    private NodeProcessOptions node;

    @Option(names = "--incarnation", required = true)
    private int incarnation;

    @Mixin
    private JepsenWorkloadOptions run;

    @Option(names = "--planted-bug", defaultValue = "none", description = "none or skip-recovery (tests of the checker).")
    private String plantedBug;

    @Option(names = "--layer", defaultValue = "engine", description = "engine (raw submits) or cpg (processes in groups).")
    private String layer;

    @Override
    public Integer call() throws Exception {
        PlantedBug bug = switch (plantedBug) {
            case "none" -> PlantedBug.NONE;
            case "skip-recovery" -> PlantedBug.SKIP_RECOVERY;
            default -> throw new UserError("--planted-bug must be none or skip-recovery, got '" + plantedBug + "'");
        };
        Layer l = Layer.parse(layer);
        // The CPG socket lives beside the node's state, one per node (the namespaces share the
        // file system), where the run's client processes find it.
        Optional<Path> socket = l == Layer.CPG ? Optional.of(JepsenRun.cpgSocket(node.stateDir)) : Optional.empty();
        new JepsenNode(new JepsenNode.Options(node.settings(l == Layer.CPG, socket), incarnation, run.epochMicros, run.trace,
                run.rate, run.safeRatio, run.seed, bug, l), System.out).run();
        return 0;
    }
}
