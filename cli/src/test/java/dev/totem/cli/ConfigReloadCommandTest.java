package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.node.runtime.NodeRunner;
import dev.totem.node.runtime.SettingsFromConfig;
import dev.totem.node.runtime.TotemNode;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./totem config reload} against a real node started as {@code ./totem node} starts one: from a file. */
class ConfigReloadCommandTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    /** A udpu file listing {@code nodes} (ids 1.., at 127.0.0.id), every one on {@code port}, crypto off. */
    private static String file(int port, int nodes, String extraTotem) {
        StringBuilder list = new StringBuilder();
        for (int id = 1; id <= nodes; id++) {
            list.append("  node {\n    nodeid: ").append(id).append("\n    ring0_addr: 127.0.0.").append(id).append("\n  }\n");
        }
        return "totem {\n  version: 2\n  cluster_name: reload\n  transport: udpu\n" + extraTotem
                + "  interface {\n    linknumber: 0\n    mcastport: " + port + "\n  }\n}\n"
                + "nodelist {\n" + list + "}\n";
    }

    @Test
    void reloadTakesTheNewNodelistAndTimeoutsAndNamesWhatWaits() throws Exception {
        int port = NodeRunner.freeUdpPort(java.net.InetAddress.getByName("127.0.0.1"));
        Path conf = dir.resolve("totem.conf");
        Files.writeString(conf, file(port, 2, ""));
        Path socket = dir.resolve("admin.sock");
        SettingsFromConfig.Overrides overrides = new SettingsFromConfig.Overrides(OptionalInt.of(1), dir.resolve("state"),
                OptionalInt.empty(), Optional.of(socket), true, Optional.of(dir.resolve("cpg.sock")));

        try (TotemNode node = new TotemNode(NodeCommand.reread(conf, overrides))) {
            node.reloadConfigFrom(() -> NodeCommand.reread(conf, overrides));
            node.start();

            // Three nodes: corosync's token grows by token_coefficient, taken at once; a new netmtu waits.
            Files.writeString(conf, file(port, 3, "  netmtu: 9000\n"));
            assertThat(cli.run("config", "reload", "--socket", socket.toString())).isZero();
            assertThat(out.toString().strip()).isEqualTo("ok nodelist: added 3; totem: "
                    + "totem.token 3000 -> 3650, totem.token_retransmit 714 -> 869, totem.hold 561 -> 685, "
                    + "totem.consensus 3600 -> 4380; waiting for a restart: frame bytes (totem.netmtu) 1472 -> 8972, "
                    + "send queue frames (totem.netmtu) 3122 -> 476");
            assertThat(node.settings().otherPeers()).containsOnlyKeys(2, 3);
            assertThat(node.settings().totemConfig().tokenTimeoutMs()).isEqualTo(3650);
            assertThat(node.settings().totemConfig().frameBytesMax()).isEqualTo(1472);

            // --cluster: this node reloads (only netmtu still waits), then asks the ring, where it is alone.
            out.getBuffer().setLength(0);
            assertThat(cli.run("config", "reload", "--cluster", "--socket", socket.toString())).isZero();
            assertThat(out.toString().strip()).startsWith("ok nodelist: unchanged; waiting for a restart: frame bytes")
                    .endsWith("; asked the ring (no other node in it now) to reload theirs");

            // A file with an error: one line naming it, exit 1, and the node keeps its nodelist.
            out.getBuffer().setLength(0);
            Files.writeString(conf, file(port, 2, "  tokn: 1000\n"));
            assertThat(cli.run("config", "reload", "--socket", socket.toString())).isEqualTo(1);
            assertThat(err.toString().lines()).singleElement().asString()
                    .startsWith("totem: 1 error(s) (./totem config check " + conf + "), the first: " + conf + ":5: error: ")
                    .contains("tokn").endsWith("; nothing changed");
            assertThat(out.toString()).isEmpty();
            assertThat(node.settings().otherPeers()).containsOnlyKeys(2, 3);
        }
    }
}
