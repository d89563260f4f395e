package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.node.runtime.NodeListener;
import dev.totem.node.runtime.NodeRunner;
import dev.totem.node.runtime.NodeStatus;
import dev.totem.node.runtime.TotemNode;
import dev.totem.node.runtime.Transport;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TotemConfig;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import dev.totem.simulator.trace.TraceLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./totem status} against a real node (a ring of one) and against nothing. */
class StatusCommandTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int run(String... args) {
        return cli.run(args);
    }

    @Test
    void aMissingSocketIsOneLineAndExitOne() {
        Path socket = dir.resolve("nobody.sock");

        assertThat(run("status", "--socket", socket.toString())).isEqualTo(1);

        assertThat(err.toString().lines()).containsExactly(
                "totem: no admin socket at " + socket + ": is the node running? (pass --socket PATH)");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void statusPrintsTheRingAsCorosyncCfgtoolDoes() throws Exception {
        Path socket = dir.resolve("admin.sock");
        try (TotemNode node = new TotemNode(NodeRunner.loopbackCluster(Transport.UDPU, 1, dir,
                TotemConfig.fromToken(1000, 1500)).get(0).adminSocket(socket).build())) {
            CompletableFuture<Effect.ConfigurationChange> formed = new CompletableFuture<>();
            node.addListener(new NodeListener() {
                @Override
                public void onDeliver(Effect.Deliver deliver) { }

                @Override
                public void onConfigurationChange(Effect.ConfigurationChange change) {
                    if (change.kind() == ConfigurationKind.REGULAR) {
                        formed.complete(change);
                    }
                }
            });
            node.start();
            formed.get(30, TimeUnit.SECONDS);

            assertThat(run("status", "--socket", socket.toString())).isZero();

            // A stalled loop on a loaded machine may be reforming its ring of one: any state will do.
            String port = Integer.toString(node.settings().port());
            assertThat(out.toString()).containsPattern("""
                    ^Printing ring status.
                    Local node ID 1, transport udpu
                    Ring ID 1:\\d+, state [A-Z]+
                    Totem: token 1000 ms, consensus 1200 ms, window_size 50, max_messages 17
                    Members \\(1\\): 1
                    RING ID 0
                    \tid\t= 127.0.0.1:%s
                    \tstatus\t= ring 0 active with no faults
                    Counters:
                    """.formatted(port));
            assertThat(out.toString()).containsPattern("\ttoken_rotations +=").containsPattern("\tprocess_pauses += \\d+\n")
                    .doesNotContain("bytes_sent");
            assertThat(err.toString()).isEmpty();

            out.getBuffer().setLength(0);
            assertThat(run("status", "--socket", socket.toString(), "--all")).isZero();
            assertThat(out.toString()).contains("bytes_sent");

            out.getBuffer().setLength(0);
            assertThat(run("status", "--admin-socket", socket.toString(), "--json")).isZero();
            String json = out.toString().strip();
            assertThat(json).startsWith("{\"node_id\":1,\"transport\":\"udpu\",\"ring_id\":\"1:")
                    .contains("\"members\":[1],\"listed\":[1],\"held_off_ms\":{},\"networks\":[{\"id\":0,\"address\":\"127.0.0.1:" + port + "\"")
                    .contains("\"faulty\":false", "\"bytes_sent\":", "\"token_rotations\":", "\"token_timeout_ms\":1000");
            // Well-formed JSON: the trace reader's parser takes it as a field of a line.
            TraceLines.parse("{\"t\":0,\"node\":1,\"ev\":\"status\",\"status\":" + json + "}", 1);
        }
    }

    /** Why a node does not come back: the status names the nodes held off and for how long. */
    @Test
    void nodesHeldOffAreShownWithTheTimeLeft() {
        NodeStatus s = new NodeStatus(2, Transport.UDPU, new RingId(1, 8), "OPERATIONAL", List.of(2, 3, 4, 5),
                List.of(new NodeStatus.NetworkStatus(0, "127.0.0.1:5405", NodeStatus.NetworkStatus.ACTIVE)), Map.of(),
                Map.of(1, 5_940L), List.of(1, 2, 3, 4, 5, 6));
        StringWriter text = new StringWriter();
        StatusCommand.print(new java.io.PrintWriter(text), s, false);
        assertThat(text.toString()).contains("Members (4): 2 3 4 5\nNot in the ring: 1 6 (listed in the nodelist)\n"
                + "Held off: node 1 for 5.9 s more (shut out");
        assertThat(StatusCommand.json(s)).contains("\"members\":[2,3,4,5],\"listed\":[1,2,3,4,5,6],\"held_off_ms\":{\"1\":5940},");
    }
}
