package dev.totem.node.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.node.runtime.NodeStatus;
import dev.totem.node.runtime.NodeStatus.NetworkStatus;
import dev.totem.node.runtime.Transport;
import dev.totem.protocol.api.RingId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusFormatTest {
    private static NodeStatus sample() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("frames_sent_unicast", 12L);
        counters.put("token_rotations", 3_000_000_000L);
        return new NodeStatus(2, Transport.UDP, new RingId(1, 12), "OPERATIONAL", List.of(1, 2, 3),
                List.of(new NetworkStatus(0, "127.0.0.2:5404 mcast 239.192.1.1:5405", "active with no faults")),
                counters);
    }

    @Test
    void theTextIsOneKeyAndValuePerLine() {
        assertThat(StatusFormat.format(sample())).isEqualTo("""
                node_id 2
                transport udp
                ring_id 1:12
                state OPERATIONAL
                members 1 2 3
                network 0 127.0.0.2:5404_mcast_239.192.1.1:5405 active with no faults
                counter frames_sent_unicast 12
                counter token_rotations 3000000000
                end
                """);
    }

    @Test
    void parseGivesBackWhatFormatWrote() {
        assertThat(StatusFormat.parse(StatusFormat.format(sample()))).isEqualTo(sample());
    }

    @Test
    void nodesHeldOffAreOneLineEach() {
        NodeStatus s = sample();
        NodeStatus held = new NodeStatus(s.nodeId(), s.transport(), s.ringId(), s.state(), s.members(), s.networks(),
                s.counters(), Map.of(7, 5_940L, 4, 12L));
        String text = StatusFormat.format(held);
        assertThat(text).contains("members 1 2 3\nheld_off 4 12\nheld_off 7 5940\nnetwork 0");
        assertThat(StatusFormat.parse(text)).isEqualTo(held);
        assertThat(StatusFormat.parse(text).heldOff()).containsExactly(Map.entry(4, 12L), Map.entry(7, 5_940L));
    }

    @Test
    void theNodelistIsOneLineAndTheNodesNotInTheRingFollowFromIt() {
        NodeStatus s = sample();
        NodeStatus withList = new NodeStatus(s.nodeId(), s.transport(), s.ringId(), s.state(), s.members(), s.networks(),
                s.counters(), Map.of(), List.of(4, 1, 2, 3, 5));
        String text = StatusFormat.format(withList);
        assertThat(text).contains("members 1 2 3\nlisted 1 2 3 4 5\nnetwork 0");
        assertThat(StatusFormat.parse(text)).isEqualTo(withList);
        assertThat(withList.absent()).containsExactly(4, 5);
        assertThat(s.absent()).as("no nodelist known: nobody is called absent").isEmpty();
    }

    @Test
    void unknownKeysAreIgnoredAndATruncatedAnswerIsRefused() {
        String text = StatusFormat.format(sample()).replace("end\n", "uptime 5\nend\n");
        assertThat(StatusFormat.parse(text)).isEqualTo(sample());

        assertThatThrownBy(() -> StatusFormat.parse("node_id 2\nstate GATHER\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a complete status");
        assertThatThrownBy(() -> StatusFormat.parse("node_id two\nend\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node_id two");
    }
}
