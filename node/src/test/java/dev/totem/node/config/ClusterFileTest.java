package dev.totem.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterFileTest {
    @TempDir
    Path dir;

    @Test
    void whatToolsWriteIsAValidConfigurationWithoutWarnings() throws Exception {
        Path file = new ClusterFile("bench", "udpu", Map.of(2, "127.0.0.2", 1, "127.0.0.1"), 5405, Optional.empty(), 1000,
                Optional.empty(), Map.of("netmtu", "9000", "window_size", "200")).write(dir.resolve("a.conf"));
        ConfigResult r = NodeConfig.load(file);
        assertThat(r.ok()).as(r.errors().toString()).isTrue();
        assertThat(r.config().nodes()).hasSize(2);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.config().totem().windowSize()).isEqualTo(200);
    }

    @Test
    void aClusterUnderRealTimeSchedulingSaysSoInItsSystemSection() throws Exception {
        ClusterFile file = new ClusterFile("bench", "udpu", Map.of(1, "127.0.0.1"), 5405, Optional.empty(), 1000,
                Optional.empty(), Map.of(), Map.of("sched_rr", "yes"));
        ConfigResult r = NodeConfig.load(file.write(dir.resolve("rr.conf")));

        assertThat(r.warnings()).isEmpty();
        assertThat(r.config().schedRr()).isTrue();
        assertThat(NodeConfig.load(new ClusterFile("bench", "udpu", Map.of(1, "127.0.0.1"), 5405, Optional.empty(), 1000,
                Optional.empty(), Map.of()).write(dir.resolve("normal.conf"))).config().schedRr()).isFalse();
    }

    @Test
    void aSecondNetworkGivesEveryNodeARing1Address() throws Exception {
        ClusterFile file = new ClusterFile("jepsen", "udpu", Map.of(1, "10.77.0.1", 2, "10.77.0.2"), 5405, Optional.empty(),
                1000, Optional.empty(), Map.of("rrp_mode", "passive")).withMoreRings(List.of(Map.of(1, "10.78.0.1", 2, "10.78.0.2")));
        ConfigResult r = NodeConfig.load(file.write(dir.resolve("two.conf")));

        assertThat(r.ok()).as(r.errors().toString()).isTrue();
        assertThat(r.warnings()).isEmpty();
        assertThat(file.text()).contains("ring0_addr: 10.77.0.2\n\t\tring1_addr: 10.78.0.2");
        assertThatThrownBy(() -> file.withMoreRings(List.of(Map.of(1, "10.78.0.1"))))
                .hasMessageContaining("network 1 has addresses for nodes [1], network 0 for [1, 2]");
    }

    @Test
    void overUdpEveryNetworkGetsItsOwnGroup() throws Exception {
        for (String group : new String[] {"239.192.77.1", "ff15::77:1"}) {
            boolean v6 = group.contains(":");
            ClusterFile file = new ClusterFile("jepsen", "udp", Map.of(1, v6 ? "fd77:0::1" : "10.77.0.1", 2,
                    v6 ? "fd77:0::2" : "10.77.0.2"), 5405, Optional.of(group), 1000, Optional.empty(),
                    Map.of("rrp_mode", "active")).withMoreRings(List.of(Map.of(1, v6 ? "fd77:1::1" : "10.78.0.1", 2,
                    v6 ? "fd77:1::2" : "10.78.0.2")));
            ConfigResult r = NodeConfig.load(file.write(dir.resolve("udp2.conf")));

            assertThat(r.ok()).as(r.errors().toString()).isTrue();
            assertThat(r.warnings()).as(file.text()).isEmpty();
            assertThat(file.group(1)).isEqualTo(v6 ? "ff15::77:2" : "239.192.77.2");
            assertThat(file.text()).contains("linknumber: 1\n\t\tmcastport: 5405\n\t\tbindnetaddr: "
                    + (v6 ? "fd77:1::1" : "10.78.0.1") + "\n\t\tmcastaddr: " + file.group(1));
        }
    }

    @Test
    void udpNeedsAGroupAndTheTransportIsChecked() {
        assertThatThrownBy(() -> new ClusterFile("x", "udp", Map.of(1, "127.0.0.1"), 5405, Optional.empty(), 1000,
                Optional.empty(), Map.of())).hasMessageContaining("multicast address");
        assertThatThrownBy(() -> new ClusterFile("x", "knet", Map.of(1, "127.0.0.1"), 5405, Optional.empty(), 1000,
                Optional.empty(), Map.of())).hasMessageContaining("udpu or udp");
    }
}
