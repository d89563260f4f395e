package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TotemConfig;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import dev.totem.node.admin.AdminClient;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One or two nodes over UDPU on loopback: the driver's own behaviour. */
class TotemNodeTest {
    /** A token timeout a stalled loop on a loaded machine does not reach by accident. */
    private static final TotemConfig CONFIG = TotemConfig.fromToken(1000, 1500);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path stateRoot;

    private final List<TotemNode> nodes = new ArrayList<>();

    @AfterEach
    void closeAll() {
        nodes.forEach(TotemNode::close);
    }

    /** Node {@code id} of a cluster of {@code count} (the others not built), built but not started. */
    private TotemNode node(int id, int count, Consumer<RuntimeSettings.Builder> customize) {
        RuntimeSettings.Builder b = NodeRunner.loopbackCluster(Transport.UDPU, count, stateRoot, CONFIG).get(id - 1);
        customize.accept(b);
        TotemNode node = new TotemNode(b.build());
        nodes.add(node);
        return node;
    }

    private static Recorder listen(TotemNode node) {
        Recorder r = new Recorder();
        node.addListener(r);
        return r;
    }

    private static void awaitOperational(TotemNode node, Recorder r, int... members) {
        await("node " + node.nodeId() + " operational").atMost(WAIT).until(() -> r.hasRegular(0, members));
    }

    /**
     * Starts nodes 1 and 2 (node 1 with {@code adminSocket} unless null) and waits for their ring.
     *
     * @return their recorders
     */
    private List<Recorder> startPair(Transport transport, Path adminSocket, boolean epoll) throws IOException {
        List<RuntimeSettings.Builder> cluster = NodeRunner.loopbackCluster(transport, 2, stateRoot, CONFIG);
        if (adminSocket != null) {
            cluster.get(0).adminSocket(adminSocket);
        }
        List<Recorder> recorders = new ArrayList<>();
        for (RuntimeSettings.Builder b : cluster) {
            TotemNode n = new TotemNode(b.build(), epoll && Epoll.isAvailable());
            nodes.add(n);
            recorders.add(listen(n));
            n.start();
        }
        awaitOperational(nodes.get(0), recorders.get(0), 1, 2);
        awaitOperational(nodes.get(1), recorders.get(1), 1, 2);
        return recorders;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aLoneNodeFormsARingOfOneAndDeliversItsOwnMessages() throws Exception {
        TotemNode node = node(1, 1, b -> { });
        Recorder r = listen(node);
        node.start();
        awaitOperational(node, r, 1);

        // The token goes to ourselves through the loop, round after round.
        assertThat(node.submit(text("x agreed"), Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
        assertThat(node.submit(text("x safe"), Guarantee.SAFE)).isEqualTo(SubmitStatus.ACCEPTED);
        await().atMost(WAIT).until(() -> r.delivered(0, "x ").size() == 2);

        assertThat(r.delivered(0, "x ")).containsExactly("x agreed/agreed", "x safe/safe");
        await().atMost(WAIT).until(() -> node.status().state().equals("OPERATIONAL"));
        NodeStatus status = node.status();
        assertThat(status.nodeId()).isEqualTo(1);
        assertThat(status.transport()).isEqualTo(Transport.UDPU);
        assertThat(status.members()).containsExactly(1);
        assertThat(status.counter("token_rotations")).isPositive();
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheNode() throws Exception {
        TotemNode node = node(1, 1, b -> { });
        node.addListener(new NodeListener() {
            @Override
            public void onDeliver(Effect.Deliver deliver) {
                throw new IllegalStateException("listener bug, on purpose");
            }

            @Override
            public void onConfigurationChange(Effect.ConfigurationChange change) { }
        });
        Recorder r = listen(node);
        node.start();
        awaitOperational(node, r, 1);

        for (int k = 0; k < 3; k++) {
            assertThat(node.submit(text("x " + k), Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
        }
        await().atMost(WAIT).until(() -> r.delivered(0, "x ").size() == 3);

        assertThat(node.status().counter("listener_errors")).isEqualTo(3);
    }

    /**
     * Starts a ring of one and holds its event loop in a delivery callback until {@code release}
     * counts down (or 30 s pass): submits meanwhile can only queue.
     */
    private static Recorder startHeld(TotemNode node, CountDownLatch release) throws Exception {
        CountDownLatch loopHeld = new CountDownLatch(1);
        node.addListener(new NodeListener() {
            @Override
            public void onDeliver(Effect.Deliver deliver) {
                if (new String(deliver.payload(), StandardCharsets.UTF_8).equals("hold")) {
                    loopHeld.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS); // holds the event loop, on purpose
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void onConfigurationChange(Effect.ConfigurationChange change) { }
        });
        Recorder r = listen(node);
        node.start();
        awaitOperational(node, r, 1);
        node.submit(text("hold"), Guarantee.AGREED);
        assertThat(loopHeld.await(30, TimeUnit.SECONDS)).isTrue();
        return r;
    }

    @Test
    void submitsBeyondThePendingBoundAreAskedToTryAgain() throws Exception {
        TotemNode node = node(1, 1, b -> b.pendingSubmitsMax(2));
        CountDownLatch release = new CountDownLatch(1);
        Recorder r = startHeld(node, release);

        // The loop is held: two submits wait for it, the third finds the bound reached.
        assertThat(node.submit(text("q 1"), Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
        assertThat(node.submit(text("q 2"), Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
        assertThat(node.submit(text("q 3"), Guarantee.AGREED)).isEqualTo(SubmitStatus.TRY_AGAIN);
        release.countDown();

        await().atMost(WAIT).until(() -> r.delivered(0, "q ").size() == 2);
        assertThat(r.delivered(0, "q ")).containsExactly("q 1/agreed", "q 2/agreed");
        assertThat(node.status().counter("submits_pending")).isZero();
    }

    @Test
    void acceptedSubmitsWaitForRoomInAFullSendQueueAndAllAreDeliveredInOrder() throws Exception {
        // A send queue of four frames and 1,000-byte messages (one frame each): the engine refuses
        // most submits when they reach it, so they wait in the node's queue for the token. The
        // loop is held at first, so the first 50 fill the node's queue whatever the timing.
        TotemNode node = node(1, 1, b -> b.totemConfig(CONFIG.withSendQueueFramesMax(4)).pendingSubmitsMax(50));
        CountDownLatch release = new CountDownLatch(1);
        Recorder r = startHeld(node, release);

        int count = 400;
        int refused = 0;
        byte[] filler = new byte[1000];
        for (int k = 0; k < count; k++) {
            byte[] payload = filler.clone();
            byte[] tag = text(String.format("w %04d", k));
            System.arraycopy(tag, 0, payload, 0, tag.length);
            SubmitStatus status;
            while ((status = node.submit(payload, Guarantee.AGREED)) == SubmitStatus.TRY_AGAIN) {
                release.countDown(); // the node's queue is full: let the loop drain it
                refused++;
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // flow control: back off
            }
            assertThat(status).isEqualTo(SubmitStatus.ACCEPTED);
        }
        await().atMost(WAIT).until(() -> r.delivered(0, "w ").size() == count);

        List<String> delivered = r.delivered(0, "w ");
        for (int k = 0; k < count; k++) {
            assertThat(delivered.get(k)).startsWith(String.format("w %04d", k));
        }
        assertThat(refused).as("the 50-submit bound pushed back").isPositive();
        assertThat(node.status().counter("submits_dropped")).isZero();
    }

    @Test
    void aSubmitBeforeStartOrAfterCloseIsNotReady() throws Exception {
        TotemNode node = node(1, 1, b -> { });
        assertThat(node.submit(text("early"), Guarantee.AGREED)).isEqualTo(SubmitStatus.NOT_READY);
        assertThat(node.status().state()).isEqualTo("NEW");
        node.start();
        assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class);

        node.close();

        assertThat(node.submit(text("late"), Guarantee.AGREED)).isEqualTo(SubmitStatus.NOT_READY);
        assertThat(node.status().state()).isEqualTo("CLOSED");
        assertThat(node.status().networks().get(0).status()).isEqualTo("closed");
        // Commands answer with an error line rather than throw (a SIGHUP may come while closing).
        assertThat(node.reloadKey()).succeedsWithin(Duration.ofSeconds(5)).asString().startsWith("error node 1 is closed");
        assertThat(node.reenableNetwork(OptionalInt.empty())).succeedsWithin(Duration.ofSeconds(5)).asString()
                .startsWith("error node 1 is closed");
        assertThat(node.reloadConfig()).succeedsWithin(Duration.ofSeconds(5)).asString().startsWith("error node 1 is closed");
        node.close(); // idempotent
        assertThat(node.leave()).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void aPortInUseFailsStartWithTheAddress() throws Exception {
        TotemNode node = node(1, 1, b -> { });
        InetSocketAddress address = node.settings().unicastAddress();
        try (DatagramSocket taken = new DatagramSocket(address)) {
            assertThat(taken.isBound()).isTrue();
            assertThatThrownBy(node::start).isInstanceOf(IOException.class)
                    .hasMessageContaining(address.getAddress().getHostAddress() + ":" + address.getPort())
                    .hasMessageContaining("ss -ulpn 'sport = :" + address.getPort() + "' shows which");
        }
        assertThat(node.status().state()).isEqualTo("CLOSED");
    }

    @Test
    void framesFromUnlistedAddressesAreDroppedAndBadFramesFromPeersAreRejected() throws Exception {
        // Node 2 is listed but never started: the test speaks from its address.
        TotemNode node = node(1, 2, b -> { });
        InetSocketAddress peer2 = node.settings().peers().get(2);
        node.start();
        InetSocketAddress target = node.settings().unicastAddress();
        byte[] garbage = text("not a totem frame");

        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(NodeRunner.loopback(9), 0));
                DatagramSocket listed = new DatagramSocket(peer2)) {
            // Sent again on every poll: on a loaded host the first datagrams may come before the
            // counters are published, and a lost one must not fail the test.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                stranger.send(new DatagramPacket(garbage, garbage.length, target));
                listed.send(new DatagramPacket(garbage, garbage.length, target));
                return node.status().counter("frames_dropped_unlisted") >= 1 && node.status().counter("frames_rejected") >= 1;
            });
        }
        NodeStatus status = node.status();
        assertThat(status.counter("frames_rejected_bad_magic")).isEqualTo(status.counter("frames_rejected"));
        assertThat(status.counter("engine_errors")).isZero();
    }

    /**
     * A node of another build (frame version 1) or garbled frames from a listed peer are named in
     * the log once a second, by reason, not only counted: a mixed-version cluster that forms no
     * ring must say why.
     */
    @Test
    void framesThatFailTheCheckAreNamedInTheLogByReason() throws Exception {
        LogCapture log = LogCapture.attach();
        try {
            TotemNode node = node(1, 2, b -> { });
            InetSocketAddress peer2 = node.settings().peers().get(2);
            node.start();
            InetSocketAddress target = node.settings().unicastAddress();
            byte[] olderBuild = new byte[24];
            olderBuild[0] = 0x7E;
            olderBuild[1] = 0x70;
            olderBuild[2] = 1; // frame version 1
            olderBuild[3] = 3; // JOIN
            olderBuild[7] = 24;
            try (DatagramSocket listed = new DatagramSocket(peer2)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                    listed.send(new DatagramPacket(olderBuild, olderBuild.length, target));
                    return log.lines().stream().anyMatch(l -> l.contains("failed the frame check"));
                });
            }
            assertThat(log.lines()).anyMatch(l -> l.matches("WARNING \\[node 1\\] rejected \\d+ frames that failed the frame"
                    + " check in the last second \\(unknown_version \\d+\\): a node of another build \\(this one speaks frame"
                    + " version 2\\) or garbled frames"));
        } finally {
            log.detach();
        }
    }

    @Test
    void metricsAreServedInThePrometheusFormat() throws Exception {
        TotemNode node = node(1, 1, b -> b.metricsPort(0));
        Recorder r = listen(node);
        node.start();
        awaitOperational(node, r, 1);
        assertThat(node.submit(DeliveryStamp.stamp(text("timed")), Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
        await().atMost(WAIT).until(() -> r.since(0, Effect.Deliver.class).size() == 1);

        InetSocketAddress http = node.metricsAddress().orElseThrow();
        assertThat(http.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + "/metrics")).build();
        // Counters are published by the loop once a second.
        await().atMost(WAIT).until(() -> client.send(get, HttpResponse.BodyHandlers.ofString()).body()
                .lines().anyMatch(l -> l.startsWith("totem_messages_delivered_total{")
                        && l.contains("guarantee=\"agreed\"") && !l.endsWith(" 0.0")));
        String body = client.send(get, HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).contains("totem_network_frames_sent_total{", "totem_network_bytes_received_total{",
                "totem_token_rotations_total{", "totem_token_losses_total{", "totem_configurations_total{",
                "totem_frames_rejected_total{", "reason=\"bad_magic\"", "totem_frames_retransmitted_total{",
                "totem_send_queue_frames{", "totem_token_rotations_per_second{", "network=\"ring0\"", "node=\"1\"");
        assertThat(body).containsPattern("(?m)^totem_delivery_latency_seconds_count\\{.*\\} 1");
        assertThat(body).containsPattern("(?m)^totem_configurations_total\\{.*kind=\"regular\".*\\} 1");
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(get.uri())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void theShutdownHookLeavesCleanly() throws Exception {
        List<Recorder> recorders = startPair(Transport.UDPU, null, true);
        TotemNode two = nodes.get(1);
        Recorder r1 = recorders.get(0);
        int from = r1.size();

        Thread hook = two.installShutdownHook();
        hook.run(); // what the JVM does on SIGTERM, minus the exit

        assertThat(two.status().state()).isEqualTo("CLOSED");
        await().atMost(WAIT).until(() -> r1.hasRegular(from, 1));
        assertThat(r1.since(from, Effect.TokenLost.class)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theNioFallbackFormsARingAndServesTheAdminSocket(Transport transport) throws Exception {
        if (transport == Transport.UDP) {
            Assumptions.assumeTrue(LoopbackMulticast.works(), "multicast on lo does not work on this host");
        }
        Path socket = stateRoot.resolve("admin-1.sock");
        Recorder r1 = startPair(transport, socket, false).get(0);
        TotemNode one = nodes.get(0);
        TotemNode two = nodes.get(1);

        assertThat(one.usesEpoll()).isFalse();
        assertThat(two.submit(text("n nio"), Guarantee.SAFE)).isEqualTo(SubmitStatus.ACCEPTED);
        await().atMost(WAIT).until(() -> r1.delivered(0, "n ").size() == 1);
        assertThat(AdminClient.status(socket).nodeId()).isEqualTo(1);
        // NIO reads back what was asked; the kernel here grants 4 MiB.
        assertThat(one.status().counter("socket_receive_buffer_bytes")).isGreaterThanOrEqualTo(1024);
    }

    @Test
    void anEngineExceptionIsCountedAndTheLoopKeepsRunning() throws Exception {
        TotemNode node = node(1, 1, b -> { });
        // A directory where the ring seq file should be: the engine's start throws reading it.
        Files.createDirectories(node.settings().stateDirectory().resolve("ringid_1").resolve("x"));

        node.start();

        await().atMost(WAIT).until(() -> node.status().counter("engine_errors") == 1);
        assertThat(node.submit(text("still answering"), Guarantee.AGREED)).isNotNull();
        assertThat(node.status().networks().get(0).status()).isEqualTo("active with no faults");
    }
}
