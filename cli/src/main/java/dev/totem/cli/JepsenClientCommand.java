package dev.totem.cli;

import dev.totem.jepsen.JepsenClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One CPG client process of {@code ./totem jepsen --layer cpg} (hidden); see {@link JepsenClient}. */
@Command(name = "jepsen-client", hidden = true, description = "One CPG client process of ./totem jepsen --layer cpg.")
public final class JepsenClientCommand implements Callable<Integer> {
    @Option(names = "--socket", required = true)
    private Path socket;

    @Mixin
    private JepsenWorkloadOptions run;

    @Override
    public Integer call() throws Exception {
        new JepsenClient(new JepsenClient.Options(socket, run.epochMicros, run.trace, run.rate, run.safeRatio,
                run.seed), System.out).run();
        return 0;
    }
}
