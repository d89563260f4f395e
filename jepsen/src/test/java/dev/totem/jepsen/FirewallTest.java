package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FirewallTest {
    private final Map<Integer, String> loaded = new TreeMap<>();
    private final Firewall firewall = new Firewall(4, loaded::put);

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
}
