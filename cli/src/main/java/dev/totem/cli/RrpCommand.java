package dev.totem.cli;

import dev.totem.node.admin.AdminServer;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./totem rrp reenable}: a running node takes a faulty network back at once. */
@Command(name = "rrp", mixinStandardHelpOptions = true, description = "Redundant ring commands on a running node (reenable).",
        subcommands = RrpCommand.Reenable.class)
public final class RrpCommand {

    /** Asks the node to re-enable its faulty networks, or one of them (corosync-cfgtool -r). */
    @Command(name = "reenable", mixinStandardHelpOptions = true,
            description = "Re-enable a network the redundant ring marked faulty (all faulty ones by default).",
            footer = {"%nA healed network comes back by itself about a second after it carries traffic again;",
                "this is for not waiting. A network that still fails is marked faulty again."})
    static final class Reenable implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private AdminSocketOption socket;

        @Option(names = "--network", paramLabel = "N", description = "Only network N (0 for ring0, 1 for ring1, ...).")
        private Integer network;

        @Override
        public Integer call() {
            if (network != null && (network < 0 || network > 7)) {
                throw new UserError("--network must be 0 to 7, got " + network);
            }
            String request = AdminServer.RRP_REENABLE + (network == null ? "" : " " + network);
            String answer = AdminCall.ask(socket.path(), request, Duration.ofSeconds(10));
            spec.commandLine().getOut().println(answer);
            return 0;
        }
    }
}
