package dev.totem.node.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.totem.node.runtime.NodeRunner;
import dev.totem.node.runtime.NodeStatus;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.TotemNode;
import dev.totem.node.runtime.Transport;
import dev.totem.protocol.api.TotemConfig;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin socket of a real node (a ring of one) and its client. */
class AdminSocketTest {
    @TempDir
    Path dir;

    private TotemNode node;

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private Path startNode() throws IOException {
        Path socket = dir.resolve("run/admin.sock");
        RuntimeSettings settings = NodeRunner.loopbackCluster(Transport.UDPU, 1, dir, TotemConfig.fromToken(1000, 1500))
                .get(0).adminSocket(socket).build();
        node = new TotemNode(settings);
        node.start();
        return socket;
    }

    @Test
    void statusAnswersWhatTheNodeKnows() throws Exception {
        Path socket = startNode();

        await().atMost(Duration.ofSeconds(30)).until(() -> AdminClient.status(socket).state().equals("OPERATIONAL"));
        NodeStatus status = AdminClient.status(socket);

        assertThat(status.nodeId()).isEqualTo(1);
        assertThat(status.transport()).isEqualTo(Transport.UDPU);
        assertThat(status.members()).containsExactly(1);
        assertThat(status.ringId().rep()).isEqualTo(1);
        assertThat(status.networks()).singleElement().satisfies(n -> {
            assertThat(n.address()).startsWith("127.0.0.1:");
            assertThat(n.status()).isEqualTo("active with no faults");
        });
        assertThat(status.counters()).containsKeys("frames_sent_unicast", "token_rotations", "delivered_safe");
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(node.adminSocket()).contains(socket);
    }

    @Test
    void anUnknownRequestIsAnsweredWithAnError() throws Exception {
        Path socket = startNode();

        assertThat(AdminClient.request(socket, "reboot", Duration.ofSeconds(5)))
                .isEqualTo("error unknown request 'reboot'; requests: status, crypto-reload [cluster], config-reload [cluster], rrp-reenable [N]\n");
    }

    @Test
    void configReloadIsAnsweredByTheNode() throws Exception {
        Path socket = startNode();

        assertThat(AdminClient.request(socket, AdminServer.CONFIG_RELOAD, Duration.ofSeconds(5)))
                .isEqualTo("error node 1 was not started from a configuration file: there is nothing to reload\n");
        node.reloadConfigFrom(node::settings);
        assertThat(AdminClient.request(socket, AdminServer.CONFIG_RELOAD, Duration.ofSeconds(5)))
                .isEqualTo("ok nodelist: unchanged\n");
    }

    @Test
    void theSocketFileGoesAwayWithTheNode() throws Exception {
        Path socket = startNode();
        node.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(socket));
        assertThatThrownBy(() -> AdminClient.status(socket)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(socket.toString());
    }

    @Test
    void aStaleSocketFileIsReplacedButALiveOneIsNot() throws Exception {
        Path socket = dir.resolve("run/admin.sock");
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(socket));
            assertThatThrownBy(this::startNode).isInstanceOf(IOException.class)
                    .hasMessageContaining("another process serves the admin socket");
        }
        // Closing a JDK server channel leaves its file behind, as a crashed node would.
        assertThat(socket).exists();

        startNode();
        await().atMost(Duration.ofSeconds(30)).until(() -> AdminClient.status(socket).nodeId() == 1);
    }
}
