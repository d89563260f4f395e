package dev.totem.cli;

import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.client.CpgClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem cpg members GROUP} and {@code ./totem cpg groups}: the members of one process
 * group, or every group and its members, as a node's CPG service knows them (corosync-cpgtool).
 */
@Command(name = "cpg", mixinStandardHelpOptions = true, description = "Ask a node's CPG service (members GROUP, groups).",
        subcommands = {CpgCommand.Members.class, CpgCommand.Groups.class})
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

    /** For a tool that only asks: it joins no group, so no event comes. */
    private static final CpgListener NO_EVENTS = new CpgListener() {
        @Override
        public void onDeliver(CpgEvent.Deliver deliver) {}

        @Override
        public void onConfchg(CpgEvent.Confchg confchg) {}
    };

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

        @Mixin
        private CpgSocketOption socket;

        @Parameters(paramLabel = "GROUP", description = "The group name.")
        private String group;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (CpgHandle c = connect(socket.path(), NO_EVENTS)) {
                List<CpgAddress> members = c.membership(group);
                out.println("Group '" + group + "' on node " + c.localNodeId() + ": " + members.size() + " member(s)");
                printMembers(out, members);
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    /** {@code cpg groups}: every group with its members, as corosync-cpgtool lists them. */
    @Command(name = "groups", mixinStandardHelpOptions = true, description = "List every group and its members.")
    static final class Groups implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private CpgSocketOption socket;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (CpgHandle c = connect(socket.path(), NO_EVENTS)) {
                SortedMap<String, List<CpgAddress>> groups = c.groups();
                out.println("Groups on node " + c.localNodeId() + ": " + groups.size());
                for (Map.Entry<String, List<CpgAddress>> g : groups.entrySet()) {
                    out.println("Group '" + g.getKey() + "': " + g.getValue().size() + " member(s)");
                    printMembers(out, g.getValue());
                }
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    /** One line per member, {@code node/pid}, indented. */
    private static void printMembers(PrintWriter out, List<CpgAddress> members) {
        for (CpgAddress a : members) {
            out.println("  " + a.nodeId() + "/" + a.pid());
        }
    }
}
