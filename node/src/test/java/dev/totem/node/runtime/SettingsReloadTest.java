package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.KeyFile;
import dev.totem.node.cpg.CpgSettings;
import dev.totem.node.cpg.PeerPolicy;
import dev.totem.protocol.api.TotemConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What a reload of the file applies (the nodelist) and what it leaves for a restart. */
class SettingsReloadTest {
    private static final TotemConfig CONFIG = TotemConfig.fromToken(3000, 1500);

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Node 1's settings with nodes {@code ids} listed at 127.0.0.id:5405. */
    private static RuntimeSettings.Builder node1(int... ids) {
        Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (int id : ids) {
            peers.put(id, new InetSocketAddress(ip("127.0.0." + id), 5405));
        }
        return RuntimeSettings.builder(1, Transport.UDPU, ip("127.0.0.1")).port(5405).peers(peers)
                .totemConfig(CONFIG).stateDirectory(Path.of("/tmp/state"));
    }

    @Test
    void anAddedNodeIsAppliedAndNothingWaits() {
        RuntimeSettings running = node1(1, 2, 3).build();
        RuntimeSettings read = node1(1, 2, 3, 4).build();

        SettingsReload r = SettingsReload.between(running, read);

        assertThat(r.added()).containsExactly(4);
        assertThat(r.removed()).isEmpty();
        assertThat(r.changesPeers()).isTrue();
        assertThat(r.applied().peers()).isEqualTo(read.peers());
        assertThat(r.waiting()).isEmpty();
        assertThat(r.describe()).isEqualTo("ok nodelist: added 4");
    }

    @Test
    void aRemovedAndAMovedNodeAreNamed() {
        RuntimeSettings running = node1(1, 2, 3).build();
        Map<Integer, InetSocketAddress> peers = new TreeMap<>(running.peers());
        peers.remove(3);
        peers.put(2, new InetSocketAddress(ip("127.0.0.22"), 5405));
        RuntimeSettings read = node1().peers(peers).build();

        SettingsReload r = SettingsReload.between(running, read);

        assertThat(r.removed()).containsExactly(3);
        assertThat(r.moved()).containsExactly(2);
        assertThat(r.applied().otherPeers()).containsOnlyKeys(2);
        assertThat(r.describe()).isEqualTo("ok nodelist: removed 3, new addresses for 2");
    }

    @Test
    void anUnchangedFileChangesNothing() {
        RuntimeSettings running = node1(1, 2, 3).build();

        SettingsReload r = SettingsReload.between(running, node1(1, 2, 3).build());

        assertThat(r.changesPeers()).isFalse();
        assertThat(r.applied()).isEqualTo(running);
        assertThat(r.describe()).isEqualTo("ok nodelist: unchanged");
    }

    @Test
    void newTimeoutsAreAppliedAndOtherChangesWait() {
        RuntimeSettings running = node1(1, 2, 3).build();
        // A longer token (as a fourth node gives with token_coefficient), and this node moved.
        RuntimeSettings read = RuntimeSettings.builder(1, Transport.UDPU, ip("127.0.0.1")).port(5406)
                .peers(Map.of(1, new InetSocketAddress(ip("127.0.0.1"), 5406), 2, running.peers().get(2),
                        3, running.peers().get(3), 4, new InetSocketAddress(ip("127.0.0.4"), 5405)))
                .totemConfig(TotemConfig.fromToken(3650, 1500)).stateDirectory(Path.of("/tmp/state")).build();

        SettingsReload r = SettingsReload.between(running, read);

        assertThat(r.tuned()).containsExactly("totem.token 3000 -> 3650", "totem.token_retransmit 714 -> 869",
                "totem.hold 561 -> 685", "totem.consensus 3600 -> 4380");
        assertThat(r.waiting()).first().isEqualTo("unicast port (mcastport) 5405 -> 5406");
        // The node keeps running where it binds; the peers and the timeouts are new.
        assertThat(r.applied().port()).isEqualTo(5405);
        assertThat(r.applied().totemConfig()).isEqualTo(read.totemConfig());
        assertThat(r.changesAnything()).isTrue();
        assertThat(r.added()).containsExactly(4);
        // This node's own entry moved with it: that is not a peer change.
        assertThat(r.moved()).isEmpty();
        assertThat(r.describe()).startsWith("ok nodelist: added 4; totem: totem.token 3000 -> 3650, "
                + "totem.token_retransmit 714 -> 869, totem.hold 561 -> 685, totem.consensus 3600 -> 4380; "
                + "waiting for a restart: unicast port (mcastport) 5405 -> 5406, peers ");
    }

    @Test
    void aNewWindowIsAppliedAndANewNetmtuWaits() {
        RuntimeSettings running = node1(1, 2).build();
        RuntimeSettings read = node1(1, 2).totemConfig(TotemConfig.fromToken(3000, 9000).withWindow(200, 40)).build();

        SettingsReload r = SettingsReload.between(running, read);

        assertThat(r.changesPeers()).isFalse();
        assertThat(r.tuned()).containsExactly("totem.window_size 50 -> 200", "totem.max_messages 17 -> 40");
        assertThat(r.applied().totemConfig().windowSize()).isEqualTo(200);
        assertThat(r.applied().totemConfig().frameBytesMax()).as("buffers were made for it").isEqualTo(CONFIG.frameBytesMax());
        assertThat(r.waiting()).contains("frame bytes (totem.netmtu) 1472 -> 8972");
        assertThat(r.describe()).startsWith("ok nodelist: unchanged; totem: totem.window_size 50 -> 200, "
                + "totem.max_messages 17 -> 40; waiting for a restart: frame bytes (totem.netmtu) 1472 -> 8972");
    }

    @Test
    void aLongListOfWaitingChangesIsCutInTheAnswer() {
        RuntimeSettings running = node1(1, 2).build();
        // Another ttl, netmtu (frame bytes and send queue), socket buffer, metrics port and submit bound.
        RuntimeSettings read = node1(1, 2).ttl(3).totemConfig(TotemConfig.fromToken(3000, 9000))
                .socketBufferBytes(1 << 23).metricsPort(9100).pendingSubmitsMax(77).build();

        SettingsReload r = SettingsReload.between(running, read);

        assertThat(r.waiting()).hasSizeGreaterThan(SettingsReload.WAITING_SHOWN_MAX);
        assertThat(r.describe()).endsWith(" and " + (r.waiting().size() - SettingsReload.WAITING_SHOWN_MAX)
                + " more (in the node's log)");
    }

    @Test
    void aNewKeyIsLeftToCryptoReloadAndAnotherCipherWaits() throws Exception {
        byte[] one = new byte[128];
        byte[] two = new byte[128];
        two[0] = 1;
        RuntimeSettings running = node1(1, 2).crypto(new CryptoSetup(CryptoCipher.AES256_GCM, KeyFile.of(one).derive("c"))).build();
        RuntimeSettings newKey = node1(1, 2).crypto(new CryptoSetup(CryptoCipher.AES256_GCM, KeyFile.of(two).derive("c"))).build();
        RuntimeSettings newCipher = node1(1, 2)
                .crypto(new CryptoSetup(CryptoCipher.CHACHA20_POLY1305, KeyFile.of(one).derive("c"))).build();

        assertThat(SettingsReload.between(running, newKey).waiting()).isEmpty();
        assertThat(SettingsReload.between(running, newCipher).waiting())
                .containsExactly("totem.crypto_cipher AES256_GCM -> CHACHA20_POLY1305");
        assertThat(SettingsReload.between(running, node1(1, 2).build()).waiting()).containsExactly("totem.crypto_cipher AES256_GCM -> none");
    }

    @Test
    void newUidgidSectionsAreAppliedNotLeftWaiting() {
        CpgSettings cpg = CpgSettings.embedded();
        RuntimeSettings running = node1(1, 2).cpg(cpg.withPeers(PeerPolicy.of(Set.of(1000), Set.of()))).build();
        RuntimeSettings read = node1(1, 2).cpg(cpg.withPeers(PeerPolicy.of(Set.of(1000, 1001), Set.of(50)))).build();

        SettingsReload r = SettingsReload.between(running, read);

        assertThat(r.newIpcAccess()).isTrue();
        assertThat(r.changesAnything()).isTrue();
        assertThat(r.changesPeers()).isFalse();
        assertThat(r.waiting()).isEmpty();
        assertThat(r.applied().cpg().orElseThrow().peers()).isEqualTo(read.cpg().orElseThrow().peers());
        assertThat(r.describe()).isEqualTo("ok nodelist: unchanged; uidgid: new users and groups for the CPG socket");
        assertThat(SettingsReload.between(running, running).changesAnything()).isFalse();
    }

    @Test
    void anotherNumberOfNetworksCannotBeMatched() {
        RuntimeSettings running = node1(1, 2).build();
        RuntimeSettings read = node1(1, 2).redundantNetwork(ip("127.1.0.1"), 5407,
                Map.of(1, new InetSocketAddress(ip("127.1.0.1"), 5407), 2, new InetSocketAddress(ip("127.1.0.2"), 5407)))
                .build();

        assertThatThrownBy(() -> SettingsReload.between(running, read))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the file now has 2 networks and the node runs 1; networks change with a restart");
    }
}
