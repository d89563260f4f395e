package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.RingId;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notifications reach a Unix datagram socket, as systemd's, one datagram each. */
class SystemdNotifierTest {
    @TempDir
    Path dir;

    private Socket systemd;
    private Path socketPath;

    @BeforeEach
    void bindSystemdsSocket() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "netty's native transport");
        socketPath = dir.resolve("notify");
        systemd = Socket.newSocketDomainDgram();
        systemd.bind(new DomainSocketAddress(socketPath.toString()));
    }

    @AfterEach
    void close() throws Exception {
        if (systemd != null) {
            systemd.close();
        }
    }

    /** The datagrams waiting at the socket (sends to a local socket are queued before they return). */
    private List<String> received() throws Exception {
        List<String> messages = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocateDirect(SystemdNotifier.MESSAGE_BYTES_MAX + 16);
        while (true) {
            buf.clear();
            DomainDatagramSocketAddress from = systemd.recvFromDomainSocket(buf, 0, buf.capacity());
            if (from == null) {
                return messages;
            }
            byte[] bytes = new byte[from.receivedAmount()];
            buf.get(0, bytes);
            messages.add(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Test
    void noSocketNoNotifier() throws Exception {
        assertThat(SystemdNotifier.fromEnvironment(Map.of())).isEmpty();
        assertThat(SystemdNotifier.fromEnvironment(Map.of(SystemdNotifier.NOTIFY_SOCKET, ""))).isEmpty();
    }

    @Test
    void readyStatusAndStoppingArriveInOrder() throws Exception {
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(
                Map.of(SystemdNotifier.NOTIFY_SOCKET, socketPath.toString())).orElseThrow()) {
            assertThat(n.ready("sockets bound")).isEmpty();
            List<String> failures = new ArrayList<>();
            NodeListener l = n.statusListener(failures::add);
            l.onConfigurationChange(new Effect.ConfigurationChange(Effect.ConfigurationKind.TRANSITIONAL,
                    new RingId(1, 8), new int[] {1, 3}, new int[] {2}, new int[0]));
            l.onConfigurationChange(new Effect.ConfigurationChange(Effect.ConfigurationKind.REGULAR,
                    new RingId(1, 8), new int[] {1, 3}, new int[] {2}, new int[0]));
            assertThat(n.stopping()).isEmpty();
            assertThat(failures).isEmpty();
        }

        assertThat(received()).containsExactly(
                "READY=1\nSTATUS=sockets bound",
                "STATUS=operational in ring " + new RingId(1, 8) + " with 2 members [1, 3]",
                "STOPPING=1\nSTATUS=leaving the ring");
    }

    @Test
    void readyAfterARingFormedKeepsTheRingsStatus() throws Exception {
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(
                Map.of(SystemdNotifier.NOTIFY_SOCKET, socketPath.toString())).orElseThrow()) {
            n.status("operational");
            n.ready("sockets bound");
        }

        assertThat(received()).containsExactly("STATUS=operational", "READY=1");
    }

    @Test
    void aMissingSocketIsReportedOnceThenQuiet() throws Exception {
        Path gone = dir.resolve("no-such-socket");
        try (SystemdNotifier n = SystemdNotifier.fromEnvironment(
                Map.of(SystemdNotifier.NOTIFY_SOCKET, gone.toString())).orElseThrow()) {
            Optional<String> first = n.ready("x");
            assertThat(first).hasValueSatisfying(reason -> assertThat(reason).startsWith("cannot notify systemd at " + gone));
            assertThat(n.status("y")).isEmpty();
        }
        assertThat(received()).isEmpty();
    }
}
