package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.CryptoConfigException;
import dev.totem.crypto.FrameKey;
import dev.totem.crypto.KeyFile;
import dev.totem.node.admin.AdminClient;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.rrp.RrpMode;
import dev.totem.rrp.RrpProbe;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three real nodes in this JVM over two loopback networks (ring0 on 127.0.0.1-3, ring1 on
 * 127.1.0.1-3), udpu, every frame sealed: a network cut on every node changes no configuration,
 * shows as FAULTY in the status and comes back by itself once mended; {@code rrp-reenable} over
 * the admin socket forces it; both networks cut on one node change the membership as without
 * redundancy. The cut is the runtime's test hook (every datagram in and out of that network
 * dropped). Waits are bounded polls, never sleeps.
 */
class RedundantRingNodesTest {
    /** Token loss after 2 s: long enough that a loop stalled on a loaded build machine keeps its ring. */
    private static final TotemConfig CONFIG = TotemConfig.fromToken(2000, 1500);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Map<Integer, TotemNode> nodes = new HashMap<>();
    private final Map<Integer, Recorder> recorders = new HashMap<>();
    private LogCapture log;

    @BeforeEach
    void captureLog() {
        log = LogCapture.attach();
    }

    @AfterEach
    void closeAll() {
        nodes.values().forEach(TotemNode::close);
        log.detach();
    }

    private static FrameKey key() throws CryptoConfigException {
        byte[] bytes = new byte[256];
        new SplittableRandom(8).nextBytes(bytes);
        return KeyFile.of(bytes).derive("rrp");
    }

    private void startCluster(RrpMode mode) throws Exception {
        startCluster(mode, Transport.UDPU);
    }

    private void startCluster(RrpMode mode, Transport transport) throws Exception {
        startCluster(mode, transport, false);
    }

    /** With {@code cpg}, every node runs the CPG service on top, as {@code ./totem node} always does. */
    private void startCluster(RrpMode mode, Transport transport, boolean cpg) throws Exception {
        FrameKey key = key();
        List<RuntimeSettings.Builder> builders = NodeRunner.loopbackCluster(transport, 3, 2, dir.resolve("state"),
                CONFIG);
        for (int id = 1; id <= 3; id++) {
            RuntimeSettings.Builder b = builders.get(id - 1).rrpMode(mode).crypto(new CryptoSetup(CryptoCipher.AES256_GCM, key));
            if (cpg) {
                b.cpg(dev.totem.node.cpg.CpgSettings.embedded());
            }
            if (id == 1) {
                b.adminSocket(dir.resolve("admin-1.sock"));
            }
            TotemNode node = new TotemNode(b.build());
            Recorder recorder = new Recorder();
            node.addListener(recorder);
            nodes.put(id, node);
            recorders.put(id, recorder);
            node.start();
        }
        awaitRegular(new int[3], 1, 2, 3);
        for (int id = 1; id <= 3; id++) {
            awaitNetwork(id, 1, false);
        }
    }

    /** Waits until every node of {@code members} installed a regular configuration of exactly them after its mark. */
    private void awaitRegular(int[] from, int... members) {
        for (int id : members) {
            Recorder r = recorders.get(id);
            int start = from[id - 1];
            await("node " + id + " in a ring of " + Arrays.toString(members)).atMost(WAIT)
                    .until(() -> r.hasRegular(start, members));
        }
    }

    private void cut(int network, boolean cut, int... ids) throws Exception {
        for (int id : ids) {
            nodes.get(id).cutNetwork(network, cut).get(10, TimeUnit.SECONDS);
        }
    }

    private void awaitNetwork(int id, int network, boolean faulty) {
        await("node " + id + " sees " + NetworkSettings.name(network) + (faulty ? " faulty" : " active")).atMost(WAIT)
                .until(() -> nodes.get(id).status().networks().get(network).faulty() == faulty);
    }

    private int[] marks() {
        return new int[] {recorders.get(1).size(), recorders.get(2).size(), recorders.get(3).size()};
    }

    private void assertNoConfigurationSince(int[] from) {
        for (int id = 1; id <= 3; id++) {
            assertThat(recorders.get(id).since(from[id - 1], Effect.ConfigurationChange.class))
                    .as("configuration changes on node %d", id).isEmpty();
            assertThat(recorders.get(id).since(from[id - 1], Effect.TokenLost.class)).as("token losses on node %d", id)
                    .isEmpty();
        }
    }

    /** Every node submits {@code count} messages tagged {@code tag}; waits until all three delivered all of them. */
    private void deliverEverywhere(String tag, int count) throws Exception {
        int[] from = marks();
        List<SubmitStatus> answers = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            for (int id = 1; id <= 3; id++) {
                answers.add(nodes.get(id).submit(("m " + tag + " " + id + " " + k).getBytes(StandardCharsets.UTF_8),
                        k % 2 == 0 ? Guarantee.AGREED : Guarantee.SAFE));
            }
        }
        assertThat(answers).containsOnly(SubmitStatus.ACCEPTED);
        for (int id = 1; id <= 3; id++) {
            Recorder r = recorders.get(id);
            int start = from[id - 1];
            await("node " + id + " delivers " + tag).atMost(WAIT)
                    .until(() -> r.delivered(start, "m " + tag + " ").size() >= 3 * count);
        }
        List<String> first = recorders.get(1).delivered(from[0], "m " + tag + " ");
        assertThat(first).hasSize(3 * count).doesNotHaveDuplicates();
        assertThat(recorders.get(2).delivered(from[1], "m " + tag + " ")).isEqualTo(first);
        assertThat(recorders.get(3).delivered(from[2], "m " + tag + " ")).isEqualTo(first);
    }

    private List<Effect.Transition> rrpTransitions(int id, int from) {
        return recorders.get(id).since(from, Effect.Transition.class).stream()
                .filter(t -> t.machine().equals(NetworkReport.RRP_MACHINE)).toList();
    }

    @ParameterizedTest
    @EnumSource(value = RrpMode.class, names = {"PASSIVE", "ACTIVE"})
    void cuttingOneNetworkChangesNoConfigurationAndMendingItReenablesIt(RrpMode mode) throws Exception {
        startCluster(mode);
        int[] from = marks();

        cut(1, true, 1, 2, 3);
        deliverEverywhere("cut", 100);
        for (int id = 1; id <= 3; id++) {
            awaitNetwork(id, 1, true);
        }

        NodeStatus status = nodes.get(2).status();
        assertThat(status.networks()).hasSize(2);
        assertThat(status.networks().get(0).faulty()).isFalse();
        assertThat(status.networks().get(1).status()).startsWith("FAULTY: ");
        assertThat(status.networks().get(1).address()).startsWith("127.1.0.2:");
        assertThat(status.networks().get(1).counter("faults")).isPositive();
        assertThat(status.networks().get(0).counter("frames_received")).isPositive();
        assertThat(rrpTransitions(2, from[1])).first().satisfies(t -> {
            assertThat(t.to()).isEqualTo("FAULTY");
            assertThat(t.reason()).startsWith("network 1: ");
        });
        // Metrics are published once a second.
        await("node 2's metrics show ring1 faulty").atMost(WAIT).until(() -> nodes.get(2).meterRegistry().scrape()
                .contains("totem_rrp_network_faulty{network=\"ring1\",node=\"2\"} 1.0"));
        assertThat(nodes.get(2).meterRegistry().scrape())
                .containsPattern("totem_rrp_faults_total\\{network=\"ring1\",node=\"2\"} [1-9]")
                .containsPattern("totem_rrp_frames_sent_total\\{kind=\"token\",network=\"ring0\",node=\"2\"} [1-9]")
                .containsPattern("totem_network_frames_received_total\\{cast=\"unicast\",network=\"ring1\",node=\"2\"} [1-9]");
        // The ring keeps delivering on network 0 alone.
        deliverEverywhere("faulty", 50);

        int[] beforeMend = marks();
        cut(1, false, 1, 2, 3);
        for (int id = 1; id <= 3; id++) {
            awaitNetwork(id, 1, false);
            assertThat(rrpTransitions(id, beforeMend[id - 1])).as("node %d re-enabled ring1 by itself", id)
                    .anySatisfy(t -> assertThat(t.to()).isEqualTo("ACTIVE"));
        }
        deliverEverywhere("mended", 50);
        assertNoConfigurationSince(from);
        // One line per transition, with the reason.
        assertThat(log.lines()).anyMatch(l -> l.matches("WARNING \\[node 2\\] network ring1 marked FAULTY: .+; frames go on the other networks"))
                .anyMatch(l -> l.matches("INFO \\[node 2\\] network ring1 re-enabled \\(ACTIVE\\): .+"));
    }

    @Test
    void aNodeThatHearsNothingOnOneNetworkMakesTheRingLeaveItAndNoConfigurationChanges() throws Exception {
        startCluster(RrpMode.PASSIVE);
        int[] from = marks();
        nodes.get(3).deafenNetwork(1, true).get(10, TimeUnit.SECONDS);
        deliverEverywhere("deaf", 200);
        for (int id = 1; id <= 3; id++) {
            awaitNetwork(id, 1, true);
        }
        deliverEverywhere("left", 50);
        nodes.get(3).deafenNetwork(1, false).get(10, TimeUnit.SECONDS);
        for (int id = 1; id <= 3; id++) {
            awaitNetwork(id, 1, false);
        }
        deliverEverywhere("heard", 50);
        assertNoConfigurationSince(from);
        // Node 3's missing frames came from whichever member held them first on the token's way.
        for (int id = 1; id <= 3; id++) {
            assertThat(nodes.get(id).status().counters().get("crypto_rejected_sender_mismatch")).as("node %d", id).isZero();
        }
    }

    @Test
    void underTheCpgServiceTheRingStillTellsTheNetworksApart() throws Exception {
        // The CPG engine on top once handed every frame down as network 0's: network 1 looked
        // silent, was marked faulty half a second after start and never came back.
        startCluster(RrpMode.PASSIVE, Transport.UDPU, true);
        int[] from = marks();
        cut(1, true, 1, 2, 3);
        for (int id = 1; id <= 3; id++) {
            awaitNetwork(id, 1, true);
        }
        cut(1, false, 1, 2, 3);
        for (int id = 1; id <= 3; id++) {
            awaitNetwork(id, 1, false);
            assertThat(rrpTransitions(id, from[id - 1])).as("node %d", id).extracting(Effect.Transition::reason)
                    .allMatch(r -> r.startsWith("network 1: "));
        }
        assertThat(nodes.get(2).status().networks().get(1).counter("frames_received")).isPositive();
        assertNoConfigurationSince(from);
    }

    @Test
    void overMulticastEachNetworkHasItsGroupAndACutOneChangesNothing() throws Exception {
        Assumptions.assumeTrue(LoopbackMulticast.works(), "multicast on lo does not work on this host");
        startCluster(RrpMode.ACTIVE, Transport.UDP);
        int[] from = marks();

        cut(0, true, 1, 2, 3);
        for (int id = 1; id <= 3; id++) {
            awaitNetwork(id, 0, true);
        }
        deliverEverywhere("udp", 50);
        assertThat(nodes.get(1).status().networks().get(1).address()).startsWith("127.1.0.1:").contains(" mcast 239.192.");
        cut(0, false, 1, 2, 3);
        for (int id = 1; id <= 3; id++) {
            awaitNetwork(id, 0, false);
        }
        assertNoConfigurationSince(from);
    }

    @Test
    void rrpReenableOverTheAdminSocketForcesAFaultyNetworkBack() throws Exception {
        startCluster(RrpMode.PASSIVE);
        Path socket = dir.resolve("admin-1.sock");
        int[] from = marks();

        assertThat(AdminClient.request(socket, "rrp-reenable 1", Duration.ofSeconds(5)))
                .isEqualTo("network 1 (ring1) is not faulty; nothing to do\n");
        assertThat(AdminClient.request(socket, "rrp-reenable 7", Duration.ofSeconds(5)))
                .isEqualTo("error network 7 does not exist; this node has networks 0..1\n");
        cut(1, true, 1, 2, 3);
        awaitNetwork(1, 1, true);
        int beforeCommand = recorders.get(1).size();

        assertThat(AdminClient.request(socket, "rrp-reenable", Duration.ofSeconds(5)))
                .isEqualTo("re-enabled network 1 (ring1)\n");

        assertThat(rrpTransitions(1, beforeCommand)).first().satisfies(t -> {
            assertThat(t.to()).isEqualTo("ACTIVE");
            assertThat(t.reason()).isEqualTo("network 1: re-enabled by the operator");
        });
        // Still cut: the detectors find it again.
        awaitNetwork(1, 1, true);
        cut(1, false, 1, 2, 3);
        awaitNetwork(1, 1, false);
        assertNoConfigurationSince(from);
    }

    @Test
    void aProbeInTheClearIsRejectedBeforeTheRingSeesIt() throws Exception {
        startCluster(RrpMode.PASSIVE);
        InetSocketAddress node2ring1 = nodes.get(2).settings().networks().get(1).unicastAddress();
        long before = nodes.get(2).status().counter("crypto_rejected_truncated");

        // From node 1's ring1 address (listed), a well-formed probe that says node 1 sends on nothing.
        byte[] probe = RrpProbe.encode(1, 1, 0, 1_000_000);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(NodeRunner.loopback(1, 1), 0))) {
            s.send(new DatagramPacket(probe, probe.length, node2ring1));
        }

        await("node 2 counts the probe as not sealed").atMost(WAIT)
                .until(() -> nodes.get(2).status().counter("crypto_rejected_truncated") > before);
        assertThat(nodes.get(2).status().networks()).noneMatch(NodeStatus.NetworkStatus::faulty);
    }

    @Test
    void cuttingBothNetworksOfANodeChangesTheMembershipAsWithoutRedundancy() throws Exception {
        startCluster(RrpMode.PASSIVE);
        int[] from = marks();

        cut(0, true, 3);
        cut(1, true, 3);

        awaitRegular(from, 1, 2);
        awaitRegular(from, 3);

        int[] beforeMend = marks();
        cut(0, false, 3);
        cut(1, false, 3);
        awaitRegular(beforeMend, 1, 2, 3);
        deliverEverywhere("merged", 20);
    }
}
