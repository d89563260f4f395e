package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.node.runtime.NodeRunner;
import dev.totem.node.runtime.NodeStatus;
import dev.totem.node.runtime.TotemNode;
import dev.totem.node.runtime.Transport;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TotemConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./totem rrp reenable} against nothing and against a node without a redundant ring, and
 * how {@code ./totem status} shows a redundant ring's networks. The command against a redundant
 * ring is tested with real nodes in the node module (RedundantRingNodesTest).
 */
class RrpCommandTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    @Test
    void aMissingSocketIsOneLineAndExitOne() {
        Path socket = dir.resolve("nobody.sock");

        assertThat(cli.run("rrp", "reenable", "--socket", socket.toString(), "--network", "1")).isEqualTo(1);

        assertThat(cli.err.toString().lines()).containsExactly(
                "totem: no admin socket at " + socket + ": is the node running? (pass --socket PATH)");
    }

    @Test
    void aNodeWithOneNetworkSaysSo() throws Exception {
        Path socket = dir.resolve("admin.sock");
        try (TotemNode node = new TotemNode(NodeRunner.loopbackCluster(Transport.UDPU, 1, dir,
                TotemConfig.fromToken(1000, 1500)).get(0).adminSocket(socket).build())) {
            node.start();

            assertThat(cli.run("rrp", "reenable", "--socket", socket.toString())).isEqualTo(1);

            assertThat(cli.err.toString().lines()).containsExactly(
                    "totem: the redundant ring is off (rrp_mode none): this node has one network");
        }
    }

    @Test
    void statusShowsEachNetworksStateReasonAndTraffic() {
        Map<String, Long> traffic = Map.of("frames_sent", 12L, "frames_received", 30L, "tokens_sent", 5L,
                "tokens_received", 6L, "probes_sent", 40L, "probes_received", 80L, "faults", 1L);
        NodeStatus status = new NodeStatus(2, Transport.UDPU, new RingId(1, 8), "OPERATIONAL", List.of(1, 2, 3), List.of(
                new NodeStatus.NetworkStatus(0, "127.0.0.2:5405", "active with no faults", traffic),
                new NodeStatus.NetworkStatus(1, "127.1.0.2:5406",
                        "FAULTY: node 1 heard on another network but not on this one for 550 ms", traffic)),
                Map.of());
        StringWriter out = new StringWriter();

        StatusCommand.print(new PrintWriter(out), status, false);

        assertThat(out.toString()).contains("""
                RING ID 1
                \tid\t= 127.1.0.2:5406
                \tstatus\t= ring 1 FAULTY: node 1 heard on another network but not on this one for 550 ms
                \tstate\t= FAULTY
                \treason\t= node 1 heard on another network but not on this one for 550 ms
                \tframes\t= sent 12, received 30
                \ttokens\t= sent 5, received 6
                \tprobes\t= sent 40, received 80
                \tfaults\t= 1
                """).contains("\tstatus\t= ring 0 active with no faults\n\tstate\t= ACTIVE\n");
    }
}
