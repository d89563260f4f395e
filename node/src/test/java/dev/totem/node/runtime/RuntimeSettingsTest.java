package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.rrp.RrpMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {
    private static final InetAddress NODE2 = NodeRunner.loopback(2);

    private static InetAddress group() throws Exception {
        return InetAddress.getByName("239.192.7.7");
    }

    @Test
    void defaultsFollowCorosync() throws Exception {
        RuntimeSettings udpu = RuntimeSettings.builder(2, Transport.UDPU, NODE2).build();
        RuntimeSettings udp = RuntimeSettings.builder(2, Transport.UDP, NODE2).multicast(group(), 5405).build();

        assertThat(udpu.port()).isEqualTo(5405);
        assertThat(udpu.mcastGroup()).isNull();
        assertThat(udp.port()).as("mcastport - 1").isEqualTo(5404);
        assertThat(udp.ttl()).isEqualTo(1);
        assertThat(udp.socketBufferBytes()).isEqualTo(4 << 20);
        assertThat(udp.metricsPort()).isEmpty();
        assertThat(udp.adminSocket()).isEmpty();
        assertThat(udp.blockUnlistedIps()).isTrue();
        assertThat(udp.pendingSubmitsMax()).isEqualTo(10_000);
    }

    @Test
    void peersAreSortedAndOthersExcludeThisNode() {
        Map<Integer, InetSocketAddress> peers = Map.of(
                3, new InetSocketAddress(NodeRunner.loopback(3), 5405),
                1, new InetSocketAddress(NodeRunner.loopback(1), 5405),
                2, new InetSocketAddress(NODE2, 5405));
        RuntimeSettings s = RuntimeSettings.builder(2, Transport.UDPU, NODE2).peers(peers).build();

        assertThat(s.peers().keySet()).containsExactly(1, 2, 3);
        assertThat(s.otherPeers().keySet()).containsExactly(1, 3);
        assertThat(s.unicastAddress()).isEqualTo(new InetSocketAddress(NODE2, 5405));
    }

    @Test
    void mistakesAreRejectedWithTheirName() throws Exception {
        assertThatThrownBy(() -> RuntimeSettings.builder(0, Transport.UDPU, NODE2).build())
                .hasMessageContaining("nodeId");
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDP, NODE2).build())
                .hasMessageContaining("multicast group");
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDP, NODE2).multicast(NODE2, 5405).build())
                .hasMessageContaining("multicast group");
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDP, NODE2).multicast(group(), 5405).ttl(0)
                .build()).hasMessageContaining("ttl");
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDPU, NODE2).port(70_000).build())
                .hasMessageContaining("port");
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDPU, NODE2)
                .peers(Map.of(2, new InetSocketAddress(NODE2, 1))).build())
                .hasMessageContaining("node 2 is listed at");
        // IPv6 runs (Ipv6NodesTest), but one family per network.
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDPU, InetAddress.getByName("::1"))
                .peers(Map.of(1, new InetSocketAddress(NODE2, 5405))).build())
                .hasMessageContaining("use one IP family per network");
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDPU, NODE2).stateDirectory(null).build())
                .isInstanceOf(NullPointerException.class);
        assertThat(RuntimeSettings.builder(2, Transport.UDPU, NODE2).stateDirectory(Path.of("x")).build()
                .stateDirectory()).isEqualTo(Path.of("x"));
    }

    @Test
    void aRedundantNetworkNeedsAnAddressForEveryNodeAndAMatchingMode() {
        Map<Integer, InetSocketAddress> ring0 = Map.of(1, new InetSocketAddress(NodeRunner.loopback(1), 5405),
                2, new InetSocketAddress(NODE2, 5405));
        InetAddress node2ring1 = NodeRunner.loopback(2, 1);
        Map<Integer, InetSocketAddress> ring1 = Map.of(1, new InetSocketAddress(NodeRunner.loopback(1, 1), 5406),
                2, new InetSocketAddress(node2ring1, 5406));

        RuntimeSettings s = RuntimeSettings.builder(2, Transport.UDPU, NODE2).peers(ring0)
                .redundantNetwork(node2ring1, 5406, ring1).build();

        assertThat(s.rrpMode()).isEqualTo(RrpMode.PASSIVE);
        assertThat(s.networks()).extracting(NetworkSettings::name).containsExactly("ring0", "ring1");
        assertThat(s.networks().get(1).otherPeers(2).keySet()).containsExactly(1);
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDPU, NODE2).peers(ring0)
                .redundantNetwork(node2ring1, 5406, Map.of(2, new InetSocketAddress(node2ring1, 5406))).build())
                .hasMessageContaining("network 1 lists nodes [2], network 0 lists [1, 2]");
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDPU, NODE2).peers(ring0)
                .redundantNetwork(node2ring1, 5407, ring1).build())
                .hasMessageContaining("network 1: node 2 is listed at");
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDPU, NODE2).rrpMode(RrpMode.ACTIVE).build())
                .hasMessageContaining("rrp mode active with 1 networks");
        assertThatThrownBy(() -> RuntimeSettings.builder(2, Transport.UDPU, NODE2).peers(ring0).rrpMode(RrpMode.NONE)
                .redundantNetwork(node2ring1, 5406, ring1).build())
                .hasMessageContaining("rrp mode none with 2 networks");
    }
}
