package dev.totem.cli;

import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.client.CpgClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./totem cpg members GROUP}: the members of a process group, as a node's CPG service knows them. */
@Command(name = "cpg", mixinStandardHelpOptions = true, description = "Ask a node's CPG service (members GROUP).",
        subcommands = CpgCommand.Members.class)
public final class CpgCommand implements Callable<Integer> {
    /** Where {@code ./totem node} serves CPG unless told otherwise. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/totem/cpg.sock");
    /** How long the tools retry a call the node answers TRY_AGAIN (the ring is forming or syncing). */
    static final long TRY_AGAIN_MILLIS = 10_000;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCode.USAGE;
    }

    /** Connects to the node's CPG socket, with a clear error when nobody serves it. */
    static CpgClient connect(Path socket, CpgListener listener) {
        try {
            return CpgClient.connect(socket, listener);
        } catch (IOException e) {
            throw new UserError(e.getMessage() + " (is the node running? pass --socket PATH)", e);
        }
    }

    /** Calls {@code op} until it answers anything but TRY_AGAIN, for at most {@link #TRY_AGAIN_MILLIS}. */
    static CpgResult retrying(Supplier<CpgResult> op) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TRY_AGAIN_MILLIS);
        CpgResult r = op.get();
        while (r.error() == CpgError.TRY_AGAIN && System.nanoTime() < deadline) {
            Thread.sleep(10); // a retry period, as corosync's tools use; nothing to wait on
            r = op.get();
        }
        return r;
    }

    /** {@code cpg members GROUP}: one line per member, {@code node/pid}, as corosync-cpgtool. */
    @Command(name = "members", mixinStandardHelpOptions = true, description = "List a group's members.")
    static final class Members implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--socket", paramLabel = "PATH", description = "The node's CPG socket (default: ${DEFAULT-VALUE}).")
        private Path socket = DEFAULT_SOCKET;

        @Parameters(paramLabel = "GROUP", description = "The group name.")
        private String group;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (CpgHandle c = connect(socket, new CpgListener() {
                @Override
                public void onDeliver(dev.totem.cpg.CpgEvent.Deliver deliver) {}

                @Override
                public void onConfchg(dev.totem.cpg.CpgEvent.Confchg confchg) {}
            })) {
                List<CpgAddress> members = c.membership(group);
                out.println("Group '" + group + "' on node " + c.localNodeId() + ": " + members.size() + " member(s)");
                for (CpgAddress a : members) {
                    out.println("  " + a.nodeId() + "/" + a.pid());
                }
            }
            out.flush();
            return ExitCode.OK;
        }
    }
}
