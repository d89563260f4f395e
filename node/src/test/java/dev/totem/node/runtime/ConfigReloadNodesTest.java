package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.totem.node.config.ConfigException;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TotemConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growing and shrinking a running udpu cluster by reloading the nodelist, as corosync-cfgtool -R:
 * three real nodes on 127.0.0.1-3 of which the first two start knowing only each other.
 * Waits are bounded polls on what the listeners recorded, never sleeps.
 */
class ConfigReloadNodesTest {
    private static final TotemConfig CONFIG = TotemConfig.fromToken(1000, 1500);
    @TempDir
    Path stateRoot;

    private final InJvmNodes nodes = new InJvmNodes();
    /** What each node's file says now: the reload source reads it. */
    private final Map<Integer, AtomicReference<RuntimeSettings>> files = new HashMap<>();

    @AfterEach
    void closeAll() {
        nodes.close();
    }

    private static RuntimeSettings withPeers(RuntimeSettings all, int... ids) {
        Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (int id : ids) {
            peers.put(id, all.peers().get(id));
        }
        return RuntimeSettings.builder(all.nodeId(), all.transport(), all.bindAddress()).port(all.port()).peers(peers)
                .totemConfig(all.totemConfig()).stateDirectory(all.stateDirectory()).build();
    }

    private void start(RuntimeSettings settings) throws IOException {
        AtomicReference<RuntimeSettings> file = new AtomicReference<>(settings);
        files.put(settings.nodeId(), file);
        nodes.start(settings).reloadConfigFrom(file::get);
    }

    private String reload(int id) throws Exception {
        return nodes.node(id).reloadConfig().get(10, TimeUnit.SECONDS);
    }

    private int events(int id) {
        return nodes.recorder(id).size();
    }

    @Test
    void aNodeListedByReloadJoinsAndANodeUnlistedByReloadIsShutOut() throws Exception {
        List<RuntimeSettings> all = new ArrayList<>();
        for (RuntimeSettings.Builder b : NodeRunner.loopbackCluster(Transport.UDPU, 3, stateRoot, CONFIG)) {
            all.add(b.build());
        }
        start(withPeers(all.get(0), 1, 2));
        start(withPeers(all.get(1), 1, 2));
        nodes.awaitRegular(0, 1, 2);
        start(all.get(2));

        // Nodes 1 and 2 drop node 3's frames (not listed), so it stays alone.
        await("node 1 drops node 3's frames").atMost(InJvmNodes.WAIT)
                .until(() -> nodes.node(1).status().counter("frames_dropped_unlisted") > 0);
        nodes.awaitRegular(0, 3);
        assertThat(nodes.recorder(1).hasRegular(0, 1, 2, 3)).isFalse();

        // A file with an error changes nothing.
        files.get(1).set(null);
        nodes.node(1).reloadConfigFrom(() -> {
            throw new ConfigException("totem.conf: 1 error(s), the first: totem.conf:3: error: unknown key 'tokn'");
        });
        assertThat(reload(1)).startsWith("error totem.conf: 1 error(s)").endsWith("; nothing changed");
        assertThat(nodes.node(1).settings().peers()).containsOnlyKeys(1, 2);
        assertThat(nodes.node(1).status().listed()).containsExactly(1, 2);
        nodes.node(1).reloadConfigFrom(() -> files.get(1).get());

        // Both list node 3 now: it joins.
        int joined1 = events(1);
        int joined2 = events(2);
        int joined3 = events(3);
        files.get(1).set(all.get(0));
        files.get(2).set(all.get(1));
        assertThat(reload(1)).isEqualTo("ok nodelist: added 3");
        assertThat(reload(2)).isEqualTo("ok nodelist: added 3");
        assertThat(nodes.node(1).settings().peers()).containsOnlyKeys(1, 2, 3);
        assertThat(nodes.node(1).status().listed()).containsExactly(1, 2, 3);
        // No node had a ring of three before: waiting from the earliest of the three marks is exact.
        nodes.awaitRegular(Math.min(joined1, Math.min(joined2, joined3)), 1, 2, 3);
        long dropped = nodes.node(1).status().counter("frames_dropped_unlisted");

        // An unchanged file: nothing to do.
        assertThat(reload(1)).isEqualTo("ok nodelist: unchanged");

        // Node 3 taken out of both files while it still runs: the ring re-forms without it.
        int removed1 = events(1);
        files.get(1).set(withPeers(all.get(0), 1, 2));
        files.get(2).set(withPeers(all.get(1), 1, 2));
        assertThat(reload(1)).isEqualTo("ok nodelist: removed 3; the ring re-forms without 3 (members until now)");
        reload(2);
        await("node 1 in a ring of 1 and 2 again").atMost(InJvmNodes.WAIT)
                .until(() -> nodes.recorder(1).hasRegular(removed1, 1, 2));
        await("node 1 drops node 3's frames again").atMost(InJvmNodes.WAIT)
                .until(() -> nodes.node(1).status().counter("frames_dropped_unlisted") > dropped);
        assertThat(nodes.node(1).status().counter("frames_dropped_unknown_destination")).isZero();
    }

    @Test
    void reloadedTimeoutsReachTheEngineAndTheRingRunsOn() throws Exception {
        List<RuntimeSettings> all = new ArrayList<>();
        for (RuntimeSettings.Builder b : NodeRunner.loopbackCluster(Transport.UDPU, 2, stateRoot, CONFIG)) {
            all.add(b.build());
        }
        start(all.get(0));
        start(all.get(1));
        nodes.awaitRegular(0, 1, 2);
        TotemConfig longer = TotemConfig.fromToken(5000, 1500).withWindow(80, 20);
        files.get(1).set(RuntimeSettings.builder(1, Transport.UDPU, all.get(0).bindAddress()).port(all.get(0).port())
                .peers(all.get(0).peers()).totemConfig(longer).stateDirectory(all.get(0).stateDirectory()).build());

        assertThat(reload(1)).isEqualTo("ok nodelist: unchanged; totem: totem.token 1000 -> 5000, "
                + "totem.token_retransmit 238 -> 1190, totem.hold 180 -> 942, totem.consensus 1200 -> 6000, "
                + "totem.window_size 50 -> 80, totem.max_messages 17 -> 20");
        TotemConfig running = nodes.node(1).engineConfig().get(10, TimeUnit.SECONDS);
        assertThat(running.tokenTimeoutMs()).isEqualTo(5000);
        assertThat(running.windowSize()).isEqualTo(80);
        assertThat(nodes.node(1).settings().totemConfig().consensusMs()).isEqualTo(6000);
        assertThat(nodes.node(2).engineConfig().get(10, TimeUnit.SECONDS)).isEqualTo(CONFIG);
        assertThat(reload(1)).as("read again: nothing new").isEqualTo("ok nodelist: unchanged");

        // The ring carries messages on with the two nodes' different timeouts.
        int before = events(2);
        assertThat(nodes.node(1).submit("after the reload".getBytes(StandardCharsets.UTF_8), Guarantee.SAFE))
                .isEqualTo(SubmitStatus.ACCEPTED);
        await("node 2 delivers node 1's message").atMost(InJvmNodes.WAIT).until(() -> nodes.recorder(2)
                .since(before, Effect.Deliver.class).stream().anyMatch(d -> d.sender() == 1));
    }

    @Test
    void aClusterReloadHasEveryNodeReloadItsOwnFile() throws Exception {
        List<RuntimeSettings.Builder> builders = NodeRunner.loopbackCluster(Transport.UDPU, 3, stateRoot, CONFIG);
        TotemConfig longer = TotemConfig.fromToken(2000, 1500);
        Map<Integer, RuntimeSettings> edited = new HashMap<>();
        for (RuntimeSettings.Builder b : builders) {
            b.cpg(dev.totem.node.cpg.CpgSettings.embedded());
            start(b.build());
            edited.put(b.build().nodeId(), b.totemConfig(longer).build());
        }
        nodes.awaitRegular(0, 1, 2, 3);
        // Node 3's file is edited last: an error there is logged by node 3 and changes nothing on it.
        files.get(2).set(edited.get(2));
        nodes.node(3).reloadConfigFrom(() -> {
            throw new ConfigException("totem.conf:3: error: unknown key 'tokn'");
        });
        files.get(1).set(edited.get(1));

        assertThat(nodes.node(1).reloadClusterConfig().get(10, TimeUnit.SECONDS)).isEqualTo("ok nodelist: unchanged; "
                + "totem: totem.token 1000 -> 2000, totem.token_retransmit 238 -> 476, totem.hold 180 -> 370, "
                + "totem.consensus 1200 -> 2400; asked nodes 2 3 to reload theirs");
        assertThat(nodes.node(1).engineConfig().get(10, TimeUnit.SECONDS).tokenTimeoutMs()).isEqualTo(2000);
        await("node 2 reloads at node 1's request").atMost(InJvmNodes.WAIT)
                .until(() -> nodes.node(2).engineConfig().get(10, TimeUnit.SECONDS).tokenTimeoutMs() == 2000);
        assertThat(nodes.node(3).engineConfig().get(10, TimeUnit.SECONDS).tokenTimeoutMs()).isEqualTo(1000);
        assertThat(nodes.node(3).status().counters()).containsEntry("service_messages_unknown", 0L);

        // A node's own file with an error: nothing changes, and nobody is asked.
        assertThat(nodes.node(3).reloadClusterConfig().get(10, TimeUnit.SECONDS))
                .startsWith("error totem.conf:3: error: unknown key 'tokn'")
                .endsWith("; nothing changed; the other nodes were not asked");
    }

    @Test
    void aClusterReloadNeedsTheCpgService() throws Exception {
        RuntimeSettings one = NodeRunner.loopbackCluster(Transport.UDPU, 1, stateRoot, CONFIG).get(0).build();
        try (TotemNode node = new TotemNode(one)) {
            node.reloadConfigFrom(() -> one);
            assertThat(node.reloadClusterConfig().get(10, TimeUnit.SECONDS))
                    .startsWith("error a cluster-wide reload needs the CPG service").endsWith("; nothing changed");
        }
    }

    @Test
    void aNodeStartedWithoutAFileHasNothingToReload() throws Exception {
        RuntimeSettings one = NodeRunner.loopbackCluster(Transport.UDPU, 1, stateRoot, CONFIG).get(0).build();
        try (TotemNode node = new TotemNode(one)) {
            assertThat(node.reloadConfig().get(10, TimeUnit.SECONDS))
                    .isEqualTo("error node 1 was not started from a configuration file: there is nothing to reload");
        }
    }

    @Test
    void aFileThatMakesThisNodeAnotherIsRefused() throws Exception {
        List<RuntimeSettings.Builder> two = NodeRunner.loopbackCluster(Transport.UDPU, 2, stateRoot, CONFIG);
        try (TotemNode node = new TotemNode(two.get(0).build())) {
            node.reloadConfigFrom(() -> two.get(1).build());
            assertThat(node.reloadConfig().get(10, TimeUnit.SECONDS))
                    .isEqualTo("error the file now makes this node 2, it runs as 1; nothing changed");
        }
    }
}
