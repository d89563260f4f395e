package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FirewallTest {
    private final Map<Integer, String> loaded = new TreeMap<>();
    private final Firewall firewall = new Firewall(4, 1, IpFamily.IPV4, loaded::put);

    @Test
    void partitionDropsFramesFromTheOtherSideOnly() throws Exception {
        firewall.partition(new int[][] {{1, 2, 3}, {4}});
        assertThat(loaded).containsOnlyKeys(1, 2, 3, 4);
        assertThat(loaded.get(1)).contains("ip saddr { 10.77.0.4 } drop").doesNotContain("10.77.0.2");
        assertThat(loaded.get(4)).contains("ip saddr { 10.77.0.1, 10.77.0.2, 10.77.0.3 } drop");
        assertThat(loaded.get(2)).contains("flush chain inet totemj input").doesNotContain("numgen");
    }

    @Test
    void blockIsOneWay() throws Exception {
        firewall.block(2, 3);
        assertThat(loaded).containsOnlyKeys(3);
        assertThat(loaded.get(3)).contains("ip saddr { 10.77.0.2 } drop");
        assertThat(firewall.script(2)).doesNotContain("saddr");
    }

    @Test
    void lossIsARandomDropOnEveryNodeAndHealLiftsEverything() throws Exception {
        firewall.block(1, 2);
        firewall.loss(0.25);
        assertThat(loaded.get(4)).contains("meta l4proto udp numgen random mod 1000 < 250 drop");
        assertThat(loaded.get(2)).contains("10.77.0.1").contains("< 250 drop");
        firewall.heal();
        for (int n = 1; n <= 4; n++) {
            assertThat(loaded.get(n)).doesNotContain("drop");
        }
    }

    @Test
    void theBaseLossStaysUnderTheFaultsAndALargerLossWins() throws Exception {
        firewall.baseLoss(0.1);
        assertThat(loaded.get(1)).contains("< 100 drop");
        firewall.loss(0.25);
        assertThat(loaded.get(1)).contains("< 250 drop");
        firewall.heal();
        assertThat(loaded.get(1)).contains("< 100 drop");
        firewall.baseLoss(0);
        assertThat(loaded.get(1)).doesNotContain("drop");
    }

    @Test
    void overIpv6APartitionDropsTheIpv6Addresses() throws Exception {
        Map<Integer, String> six = new TreeMap<>();
        Firewall f = new Firewall(3, 2, IpFamily.IPV6, six::put);
        f.partition(new int[][] {{1}, {2, 3}});
        assertThat(six.get(1)).contains("ip6 saddr { fd77:0::2, fd77:1::2, fd77:0::3, fd77:1::3 } drop");
        assertThat(six.get(2)).contains("ip6 saddr { fd77:0::1, fd77:1::1 } drop");
    }

    @Test
    void withTwoNetworksAPartitionDropsBothAddressesAndACutIsOneInterface() throws Exception {
        Map<Integer, String> two = new TreeMap<>();
        Firewall f = new Firewall(3, 2, IpFamily.IPV4, two::put);
        f.partition(new int[][] {{1, 2}, {3}});
        assertThat(two.get(3)).contains("ip saddr { 10.77.0.1, 10.78.0.1, 10.77.0.2, 10.78.0.2 } drop");

        f.heal();
        f.cutNetwork(1, new int[] {2});
        assertThat(two.get(2)).contains("iifname \"eth1\" drop");
        assertThat(f.script(1)).doesNotContain("iifname");
        f.degradeNetwork(0, 0.2);
        assertThat(two.get(3)).contains("iifname \"eth0\" meta l4proto udp numgen random mod 1000 < 200 drop");
        f.mendNetwork(1);
        f.mendNetwork(0);
        for (int node = 1; node <= 3; node++) {
            assertThat(two.get(node)).doesNotContain("drop");
        }
    }
}
