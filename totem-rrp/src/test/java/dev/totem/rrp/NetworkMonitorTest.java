package dev.totem.rrp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.TotemConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The passive monitor's windows, on the monitor alone: node 1 is us, node 3 sends tokens on two networks. */
class NetworkMonitorTest {
    private final List<Integer> faulted = new ArrayList<>();
    private final NetworkMonitor monitor = new NetworkMonitor(RrpConfig.defaults(RrpMode.PASSIVE, 2,
            TotemConfig.defaults()), 1, new Effects(), new RrpStats(), faulted::add);
    private final Peer peer = monitor.heard(3, 0, 0);

    private void tokenOn(int network) {
        monitor.passiveMonitor(peer, network, true, 0);
    }

    @Test
    void aNewWindowForgetsRareLossesButNotACut() {
        for (int i = 0; i < 9; i++) {
            tokenOn(0); // network 1 misses 9 tokens: one short of the threshold of 10
        }
        // Network 0's count reaches 20 thresholds (200 tokens) here, and a new window starts.
        for (int i = 0; i < 191; i++) {
            tokenOn(0);
            tokenOn(1);
        }
        for (int i = 0; i < 9; i++) {
            tokenOn(0); // 18 missed in all, but fewer than 10 in each window
        }
        assertThat(monitor.net(1).state).isEqualTo(NetworkState.ACTIVE);
        assertThat(faulted).isEmpty();

        for (int i = 0; i < 3; i++) {
            tokenOn(0); // 11 behind in this window
        }
        assertThat(monitor.net(1).state).isEqualTo(NetworkState.FAULTY);
        assertThat(monitor.net(1).lastFault).isEqualTo("received 11 tokens fewer than the best network (threshold 10)");
        assertThat(faulted).containsExactly(1);
    }
}
