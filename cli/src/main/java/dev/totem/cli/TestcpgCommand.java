package dev.totem.cli;

import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.client.CpgClient;
import dev.totem.protocol.api.Guarantee;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem testcpg [GROUP]}: corosync's testcpg. Joins GROUP through the node's CPG socket,
 * prints every confchg and message, and multicasts each line typed on stdin; at the end of stdin
 * it leaves the group and exits.
 */
@Command(name = "testcpg", mixinStandardHelpOptions = true,
        description = "Join a group; print confchgs and messages; send stdin lines.")
public final class TestcpgCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CpgSocketOption socket;

    @Option(names = "--safe", description = "Multicast with safe delivery (default: agreed).")
    private boolean safe;

    @Parameters(arity = "0..1", paramLabel = "GROUP", description = "The group (default: ${DEFAULT-VALUE}).")
    private String group = "GROUP";

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        CountDownLatch disconnected = new CountDownLatch(1);
        CpgListener listener = new CpgListener() {
            @Override
            public void onDeliver(CpgEvent.Deliver d) {
                say(String.format(Locale.ROOT, "DeliverCallback: message (len=%d) from node/pid %d/%d: '%s'", d.length(),
                        d.senderNode(), d.senderPid(), new String(d.payload(), StandardCharsets.UTF_8)));
            }

            @Override
            public void onConfchg(CpgEvent.Confchg c) {
                StringBuilder b = new StringBuilder("ConfchgCallback: group '" + c.group() + "' view " + c.view() + "\n");
                for (CpgAddress a : c.left()) {
                    b.append(String.format(Locale.ROOT, "left node/pid %d/%d reason: %d (%s)%n", a.nodeId(), a.pid(),
                            a.reason().code(), a.reason().name().toLowerCase(Locale.ROOT)));
                }
                for (CpgAddress a : c.joined()) {
                    b.append(String.format(Locale.ROOT, "joined node/pid %d/%d reason: %d (%s)%n", a.nodeId(), a.pid(),
                            a.reason().code(), a.reason().name().toLowerCase(Locale.ROOT)));
                }
                b.append("Members: ").append(members(c.members()));
                say(b.toString());
            }

            @Override
            public void onTotemConfchg(CpgEvent.TotemConfchg t) {
                say("TotemConfchgCallback: ring id " + t.ring() + " members " + t.members());
            }

            @Override
            public void onDisconnected(String reason) {
                say("Disconnected: " + reason);
                disconnected.countDown();
            }
        };
        try (CpgClient client = CpgCommand.connect(socket.path(), listener)) {
            say("Local node id is " + client.localNodeId() + ", pid " + client.clientId().pid());
            CpgResult joined = CpgCommand.retrying(() -> client.join(group));
            if (!joined.ok()) {
                throw new UserError("cannot join group '" + group + "': " + joined);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            Guarantee g = safe ? Guarantee.SAFE : Guarantee.AGREED;
            for (String line = in.readLine(); line != null && !client.closed(); line = in.readLine()) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                CpgResult r = CpgCommand.retrying(() -> client.mcast(group, bytes, g));
                if (!r.ok()) {
                    say("mcast failed: " + r);
                }
            }
            if (!client.closed()) {
                CpgCommand.retrying(() -> client.leave(group));
                say("Left group '" + group + "'");
            }
        }
        return disconnected.getCount() == 0 ? ExitCode.SOFTWARE : ExitCode.OK;
    }

    static String members(List<CpgAddress> members) {
        StringBuilder b = new StringBuilder();
        for (CpgAddress a : members) {
            b.append(b.length() == 0 ? "" : " ").append(a.nodeId()).append('/').append(a.pid());
        }
        return b.toString();
    }

    private synchronized void say(String line) {
        out.println(line);
        out.flush();
    }
}
