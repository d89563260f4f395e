package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.node.config.ConfigResult;
import dev.totem.node.config.NodeConfig;
import dev.totem.rrp.RrpMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file with two networks gives a node one socket set per network, each at its own ringN_addr. */
class SettingsFromConfigTest {
    private static final String NODES = "nodelist {\n"
            + " node {\n  nodeid: 1\n  ring0_addr: 127.0.0.1\n  ring1_addr: 127.1.0.1\n }\n"
            + " node {\n  nodeid: 2\n  ring0_addr: 127.0.0.2\n  ring1_addr: 127.1.0.2\n }\n}\n";

    private static RuntimeSettings settings(String totem) {
        return node2("totem {\n crypto_cipher: none\n" + totem + "}\n").settings();
    }

    /** Node 2's settings from a file of {@code totem} and {@link #NODES}. */
    private static SettingsFromConfig.Result node2(String totem) {
        ConfigResult result = NodeConfig.parse("t.conf", totem + NODES);
        assertThat(result.errors()).isEmpty();
        SettingsFromConfig.Overrides overrides = new SettingsFromConfig.Overrides(OptionalInt.of(2), Path.of("state"),
                OptionalInt.empty(), Optional.empty(), false, Optional.empty());
        return SettingsFromConfig.settings(result.config(), overrides);
    }

    private static InetSocketAddress at(String address, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    @Test
    void cryptoNotesOnlyWhatTheFileSays(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("authkey");
        Files.write(key, new byte[256]);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        String totem = "totem {\n transport: udpu\n keyfile: " + key + "\n";

        assertThat(node2(totem + "}\n").notes()).as("crypto_hash not written: nothing to say about it").isEmpty();
        assertThat(node2(totem + " crypto_hash: sha256\n}\n").notes()).singleElement().asString()
                .contains("no HMAC is computed");
    }

    @Test
    void ipv6FramesLeaveRoomForTheLongerHeader() throws Exception {
        String v6nodes = "nodelist {\n node {\n  nodeid: 1\n  ring0_addr: fd00::1\n }\n"
                + " node {\n  nodeid: 2\n  ring0_addr: fd00::2\n }\n}\n";
        ConfigResult result = NodeConfig.parse("t.conf", "totem {\n crypto_cipher: none\n transport: udpu\n netmtu: 1500\n}\n"
                + v6nodes);
        assertThat(result.errors()).isEmpty();
        RuntimeSettings s = SettingsFromConfig.settings(result.config(), new SettingsFromConfig.Overrides(OptionalInt.of(2),
                Path.of("state"), OptionalInt.empty(), Optional.empty(), false, Optional.empty())).settings();

        assertThat(s.networks().get(0).ipv6()).isTrue();
        assertThat(s.unicastAddress()).isEqualTo(at("fd00::2", 5405));
        // 1500 - 40 (IPv6) - 8 (UDP): a frame never needs fragments on a 1500-byte link.
        assertThat(s.totemConfig().frameBytesMax()).isEqualTo(1452);
        assertThat(settings(" transport: udpu\n netmtu: 1500\n").totemConfig().frameBytesMax()).isEqualTo(1472);
    }

    @Test
    void aLinkLocalRingAddressIsAnError() {
        ConfigResult result = NodeConfig.parse("t.conf", "totem {\n crypto_cipher: none\n transport: udpu\n}\n"
                + "nodelist {\n node {\n  nodeid: 1\n  ring0_addr: fe80::1\n }\n}\n");

        assertThat(result.errors()).singleElement().asString()
                .contains("ring0_addr: fe80::1 is a link-local IPv6 address, which needs an interface");
    }

    @Test
    void udpuBindsEachNetworkAtThisNodesRingAddressWithTheNetworksPort() throws Exception {
        RuntimeSettings s = settings(" transport: udpu\n rrp_mode: active\n");

        assertThat(s.rrpMode()).isEqualTo(RrpMode.ACTIVE);
        assertThat(s.networks()).hasSize(2);
        NetworkSettings ring1 = s.networks().get(1);
        assertThat(s.networks().get(0).unicastAddress()).isEqualTo(at("127.0.0.2", 5405));
        assertThat(ring1.unicastAddress()).isEqualTo(at("127.1.0.2", 5406));
        assertThat(ring1.peers()).containsEntry(1, at("127.1.0.1", 5406)).containsEntry(2, at("127.1.0.2", 5406));
        assertThat(ring1.mcastGroup()).isNull();
    }

    @Test
    void udpGivesEachNetworkItsGroupAndSendsFromTheGroupPortMinusOne() throws Exception {
        RuntimeSettings s = settings(" transport: udp\n"
                + " interface {\n  linknumber: 0\n  bindnetaddr: 127.0.0.0\n  mcastaddr: 239.192.7.1\n  mcastport: 5405\n }\n"
                + " interface {\n  linknumber: 1\n  bindnetaddr: 127.1.0.0\n  mcastaddr: 239.192.7.2\n  mcastport: 5407\n }\n");

        assertThat(s.rrpMode()).as("two networks default to passive").isEqualTo(RrpMode.PASSIVE);
        NetworkSettings ring1 = s.networks().get(1);
        assertThat(ring1.unicastAddress()).isEqualTo(at("127.1.0.2", 5406));
        assertThat(ring1.mcastGroup()).isEqualTo(InetAddress.getByName("239.192.7.2"));
        assertThat(ring1.mcastPort()).isEqualTo(5407);
        assertThat(s.networks().get(0).mcastGroup()).isEqualTo(InetAddress.getByName("239.192.7.1"));
    }

    @Test
    void oneNetworkHasNoRedundantRing() {
        String one = "totem {\n crypto_cipher: none\n transport: udpu\n}\n"
                + "nodelist {\n node {\n  nodeid: 1\n  ring0_addr: 127.0.0.1\n }\n}\n";
        RuntimeSettings s = SettingsFromConfig.settings(NodeConfig.parse("t.conf", one).config(),
                new SettingsFromConfig.Overrides(OptionalInt.of(1), Path.of("state"), OptionalInt.empty(),
                        Optional.empty(), false, Optional.empty())).settings();

        assertThat(s.rrpMode()).isEqualTo(RrpMode.NONE);
        assertThat(s.networks()).hasSize(1);
    }
}
