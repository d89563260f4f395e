package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The order in which a udpu network writes a multicast frame's copies, seen from two peers'
 * sockets. Over loopback a datagram is in the receiver's queue once its send returns, and every
 * send here runs on the loop before the test goes on, so what a peer's socket holds at each step
 * is exactly what was sent to it.
 */
class UdpNetworkTest {
    private final MultiThreadIoEventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private DatagramChannel peer2;
    private DatagramChannel peer3;
    private UdpNetwork network;

    @BeforeEach
    void open() throws Exception {
        peer2 = bound(2);
        peer3 = bound(3);
        InetSocketAddress self;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(NodeRunner.loopback(1), 0))) {
            self = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        RuntimeSettings settings = RuntimeSettings.builder(1, Transport.UDPU, self.getAddress()).port(self.getPort())
                .peers(Map.of(1, self, 2, local(peer2), 3, local(peer3))).build();
        network = new UdpNetwork(settings, settings.networks().get(0), new NodeCounters(), new NodeLog(1),
                (index, frame, length) -> { });
        network.open(loop, false);
    }

    @AfterEach
    void close() throws Exception {
        onLoop(() -> {
            network.close();
            return null;
        });
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        peer2.close();
        peer3.close();
    }

    @Test
    void beforeAnyUnicastAMulticastFrameGoesToEveryPeerAtOnce() throws Exception {
        onLoop(() -> {
            send(Effect.MULTICAST, text("f1"));
            network.flushWritten();
            return null;
        });

        assertThat(waiting(peer2)).containsExactly("f1");
        assertThat(waiting(peer3)).containsExactly("f1");
    }

    @Test
    void theNetworkCopiesWhatItIsGivenSoTheCallerMayReuseItsArrayBeforeTheFlush() throws Exception {
        onLoop(() -> {
            byte[] scratch = "xxtoken1yy".getBytes(StandardCharsets.UTF_8);
            network.send(2, scratch, 2, 6); // a unicast, written to the socket only at the flush
            byte[] next = "f1".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(next, 0, scratch, 2, next.length);
            network.send(Effect.MULTICAST, scratch, 2, 2); // copies for peer 3 wait for the flush too
            System.arraycopy("zzzzzzzzzz".getBytes(StandardCharsets.UTF_8), 0, scratch, 0, scratch.length);
            network.flush();
            return null;
        });

        assertThat(waiting(peer2)).containsExactly("token1", "f1");
        assertThat(waiting(peer3)).containsExactly("f1");
    }

    @Test
    void theSuccessorGetsTheBurstAndTheTokenBeforeTheOtherPeersGetTheirCopies() throws Exception {
        onLoop(() -> {
            send(2, text("token1"));
            network.flush();
            return null;
        });
        assertThat(waiting(peer2)).containsExactly("token1");

        onLoop(() -> {
            send(Effect.MULTICAST, text("f1"));
            send(Effect.MULTICAST, text("f2"));
            network.flushWritten(); // a flush in the middle of a sealed burst
            return null;
        });
        assertThat(waiting(peer2)).containsExactly("f1", "f2");
        assertThat(waiting(peer3)).as("copies kept for the peers after the successor").isEmpty();

        onLoop(() -> {
            send(Effect.MULTICAST, text("f3"));
            send(2, text("token2"));
            network.flush();
            return null;
        });
        assertThat(waiting(peer2)).containsExactly("f3", "token2");
        assertThat(waiting(peer3)).as("each peer's copies in the answer's order").containsExactly("f1", "f2", "f3");
        assertThat(network.counters().copy()[NodeCounters.Stat.FRAMES_SENT_MULTICAST.ordinal()]).isEqualTo(6);
    }

    @Test
    void aUnicastToAnotherPeerMakesItTheOneServedFirst() throws Exception {
        onLoop(() -> {
            send(2, text("token1"));
            send(3, text("token2"));
            send(Effect.MULTICAST, text("f1"));
            network.flushWritten();
            return null;
        });

        assertThat(waiting(peer3)).containsExactly("token2", "f1");
        assertThat(waiting(peer2)).containsExactly("token1");
        onLoop(() -> {
            network.flush();
            return null;
        });
        assertThat(waiting(peer2)).containsExactly("f1");
    }

    @Test
    void aUnicastToAPeerWithCopiesWaitingComesAfterThem() throws Exception {
        onLoop(() -> {
            send(2, text("token1"));
            send(Effect.MULTICAST, text("join"));
            send(3, text("commit"));
            send(Effect.MULTICAST, text("f1"));
            network.flushWritten();
            return null;
        });

        assertThat(waiting(peer3)).containsExactly("join", "commit", "f1");
        assertThat(waiting(peer2)).as("the new successor's peer: its copy waits").containsExactly("token1", "join");
        onLoop(() -> {
            network.flush();
            return null;
        });
        assertThat(waiting(peer2)).containsExactly("f1");
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.next().submit(task).get(10, TimeUnit.SECONDS);
    }

    private static DatagramChannel bound(int id) throws Exception {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.bind(new InetSocketAddress(NodeRunner.loopback(id), 0));
        ch.configureBlocking(false);
        return ch;
    }

    private static InetSocketAddress local(DatagramChannel ch) throws Exception {
        return (InetSocketAddress) ch.getLocalAddress();
    }

    /** Every datagram the socket holds now, oldest first, without waiting for more. */
    private static List<String> waiting(DatagramChannel ch) throws Exception {
        List<String> texts = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        while (ch.receive(buffer.clear()) != null) {
            texts.add(StandardCharsets.UTF_8.decode(buffer.flip()).toString());
        }
        return texts;
    }

    /** A whole frame, as the writer hands its clear frames over. */
    private void send(int destination, byte[] frame) {
        network.send(destination, frame, 0, frame.length);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
