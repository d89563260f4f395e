package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TotemConfig;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three real nodes over IPv6 loopback ({@code ::1}, a port each), as a cluster on IPv6 addresses
 * runs, for both transports (udp with a group in ff12::/16): the ring forms and orders messages.
 * Skipped where this host has no IPv6 loopback (or, for udp, no IPv6 multicast on it).
 */
class Ipv6NodesTest {
    private static final TotemConfig CONFIG = TotemConfig.fromToken(1000, 1500);
    @TempDir
    Path stateRoot;

    private final InJvmNodes nodes = new InJvmNodes();

    @AfterEach
    void closeAll() {
        nodes.close();
    }

    private static InetAddress loopback6() throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            return v6;
        } catch (IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            throw e;
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void threeNodesOnIpv6FormARingAndDeliverOneOrder(Transport transport) throws Exception {
        InetAddress v6 = loopback6();
        if (transport == Transport.UDP) {
            Assumptions.assumeTrue(LoopbackMulticast.worksOverIpv6(), "IPv6 multicast on lo does not work on this host");
        }
        InetAddress group = LoopbackMulticast.ipv6Group();
        int groupPort = NodeRunner.freeUdpPort(null);
        Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            peers.put(id, new InetSocketAddress(v6, NodeRunner.freeUdpPort(v6)));
        }
        for (int id = 1; id <= 3; id++) {
            RuntimeSettings.Builder b = RuntimeSettings.builder(id, transport, v6).port(peers.get(id).getPort()).peers(peers);
            if (transport == Transport.UDP) {
                b.multicast(group, groupPort);
            }
            nodes.start(b.totemConfig(CONFIG).stateDirectory(stateRoot.resolve("n" + id)).build());
        }
        nodes.awaitRegular(0, 1, 2, 3);
        int[] from = {nodes.recorder(1).size(), nodes.recorder(2).size(), nodes.recorder(3).size()};
        for (int k = 0; k < 50; k++) {
            for (int id = 1; id <= 3; id++) {
                assertThat(nodes.node(id).submit(("m " + id + " " + k).getBytes(StandardCharsets.UTF_8), Guarantee.AGREED))
                        .isEqualTo(SubmitStatus.ACCEPTED);
            }
        }
        for (int id = 1; id <= 3; id++) {
            int node = id;
            await("node " + id + " delivers all").atMost(InJvmNodes.WAIT)
                    .until(() -> nodes.recorder(node).delivered(from[node - 1], "m ").size() >= 150);
        }
        List<String> order = nodes.recorder(1).delivered(from[0], "m ");
        assertThat(order).hasSize(150).doesNotHaveDuplicates();
        assertThat(nodes.recorder(2).delivered(from[1], "m ")).isEqualTo(order);
        assertThat(nodes.recorder(3).delivered(from[2], "m ")).isEqualTo(order);
        assertThat(nodes.node(1).status().networks().get(0).address()).isEqualTo("[::1]:" + peers.get(1).getPort());
        assertThat(nodes.node(1).status().counter("frames_dropped_unlisted")).isZero();
    }

    @Test
    void oneFamilyPerNetworkAndNoLinkLocalAddress() throws Exception {
        InetAddress v6 = InetAddress.getByName("fd00::1");
        InetAddress v4 = InetAddress.getByName("127.0.0.2");
        assertThatThrownBy(() -> RuntimeSettings.builder(1, Transport.UDPU, v6).port(5405)
                .peers(Map.of(1, new InetSocketAddress(v6, 5405), 2, new InetSocketAddress(v4, 5405))).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("peer 2 is at IPv4 127.0.0.2 but this node binds IPv6 fd00::1; use one IP family per network");
        InetAddress linkLocal = InetAddress.getByName("fe80::1");
        assertThatThrownBy(() -> RuntimeSettings.builder(1, Transport.UDPU, linkLocal).port(5405).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is link-local");
        assertThatThrownBy(() -> RuntimeSettings.builder(1, Transport.UDP, v6).multicast(InetAddress.getByName("239.1.1.1"), 5405)
                .build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the multicast group 239.1.1.1 is IPv4 but the node binds IPv6");
    }
}
