package dev.totem.cli;

import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./totem crypto reload}: a running node loads its key file again (key rotation). */
@Command(name = "crypto", mixinStandardHelpOptions = true, description = "Key rotation on a running node (reload).",
        subcommands = CryptoCommand.Reload.class)
public final class CryptoCommand {

    /** Asks the node to reload its key file; SIGHUP to the node does the same. */
    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Reload the key file: new key opens frames now, seals them after a grace period.",
            footer = {"%nCopy the new key file to every node, then reload with --cluster, or run it on",
                "every node within the grace period (30 s): until then frames stay sealed with",
                "the old key, so nodes that have not reloaded yet still open them."})
    static final class Reload implements java.util.concurrent.Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private AdminSocketOption socket;

        @Option(names = "--cluster", description = "Then have every other node in the ring reload its own key file "
                + "(the node reloads first; the others are asked only when it succeeded; each logs its result).")
        private boolean cluster;

        @Override
        public Integer call() {
            String answer = AdminCall.ask(socket.path(), cluster ? dev.totem.node.admin.AdminServer.CRYPTO_RELOAD_CLUSTER
                    : dev.totem.node.admin.AdminServer.CRYPTO_RELOAD, Duration.ofSeconds(10));
            spec.commandLine().getOut().println(answer);
            return 0;
        }
    }
}
