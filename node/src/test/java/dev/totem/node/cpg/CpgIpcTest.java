package dev.totem.node.cpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgConfig;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.Reason;
import dev.totem.cpg.client.CpgClient;
import dev.totem.cpg.ipc.wire.ClientMessage;
import dev.totem.cpg.ipc.wire.Hello;
import dev.totem.cpg.ipc.wire.Join;
import dev.totem.cpg.ipc.wire.ServerMessage;
import dev.totem.node.runtime.NodeRunner;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.TotemNode;
import dev.totem.node.runtime.Transport;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TotemConfig;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node with CPG and its IPC socket (a ring of one on loopback), and clients of it in this
 * JVM: the socket's protocol, its limits and its refusals. The multi-node behaviour is in
 * {@code CpgClusterTest}.
 */
class CpgIpcTest {
    private static final TotemConfig CONFIG = TotemConfig.fromToken(1000, 1500);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** In flight for the tests of slow readers: enough that only the byte bound of 16 messages binds. */
    private static final int INFLIGHT_MESSAGES_MAX = 8192;

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private TotemNode node(UnaryOperator<CpgSettings> customize) throws IOException {
        RuntimeSettings.Builder b = NodeRunner.loopbackCluster(Transport.UDPU, 1, dir, CONFIG).get(0);
        b.cpg(customize.apply(CpgSettings.embedded().withSocket(dir.resolve("cpg.sock"))));
        TotemNode node = new TotemNode(b.build());
        open.add(node);
        node.start();
        return node;
    }

    private CpgClient client(Events events) throws IOException {
        CpgClient c = CpgClient.connect(dir.resolve("cpg.sock"), events);
        open.add(c);
        return c;
    }

    /** Joins, retrying while the ring forms (TRY_AGAIN), and waits for the confchg that lists the client. */
    private static void join(CpgHandle h, Events e, String group) {
        await("join " + group).atMost(WAIT).until(() -> h.join(group).error() != CpgError.TRY_AGAIN);
        await("joined " + group).atMost(WAIT).until(() -> e.lastMembers(group).stream()
                .anyMatch(a -> a.pid() == h.clientId().pid()));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void clientsJoinMulticastAndSeeEachOtherLeave() throws Exception {
        TotemNode node = node(s -> s);
        Events ea = new Events();
        Events eb = new Events();
        CpgClient a = client(ea);
        CpgClient b = client(eb);
        assertThat(a.clientId()).isNotEqualTo(b.clientId()); // one process, two connections: two ids
        assertThat(a.localNodeId()).isEqualTo(1);
        join(a, ea, "g");
        join(b, eb, "g");

        assertThat(a.mcast("g", text("one"), Guarantee.AGREED)).isEqualTo(CpgResult.OK);
        assertThat(b.mcastAsync("g", text("two"), Guarantee.SAFE).get()).isEqualTo(CpgResult.OK);
        await().atMost(WAIT).until(() -> ea.texts().size() == 2 && eb.texts().size() == 2);
        assertThat(ea.texts()).isEqualTo(eb.texts()).containsExactlyInAnyOrder("one", "two");
        assertThat(a.membership("g")).containsExactly(CpgAddress.member(1, a.clientId().pid()),
                CpgAddress.member(1, b.clientId().pid()));
        join(b, eb, "f");
        assertThat(a.groups()).as("every group, by name, with its members").containsExactly(
                Map.entry("f", List.of(CpgAddress.member(1, b.clientId().pid()))),
                Map.entry("g", List.of(CpgAddress.member(1, a.clientId().pid()), CpgAddress.member(1, b.clientId().pid()))));
        Map<String, Long> counters = node.status().counters();
        assertThat(counters).containsEntry("cpg_groups", 2L).containsEntry("cpg_clients", 2L);
        assertThat(counters.get("cpg_messages_delivered")).as("one, two; the joins are no messages").isEqualTo(2L);

        assertThat(b.leave("g")).isEqualTo(CpgResult.OK);
        await().atMost(WAIT).until(() -> ea.sawLeft("g", 1, b.clientId().pid(), Reason.LEAVE));
        b.close();
        assertThat(a.mcast("h", text("x"), Guarantee.AGREED).error()).isEqualTo(CpgError.NOT_EXIST);
        assertThat(node.cpg()).isPresent();
    }

    @Test
    void aClosedConnectionIsProcdownAtTheOthers() throws Exception {
        node(s -> s);
        Events ea = new Events();
        Events eb = new Events();
        CpgClient a = client(ea);
        CpgClient b = client(eb);
        join(a, ea, "g");
        join(b, eb, "g");
        int pid = b.clientId().pid();

        b.close();

        await().atMost(WAIT).until(() -> ea.sawLeft("g", 1, pid, Reason.PROCDOWN));
        assertThat(a.membership("g")).containsExactly(CpgAddress.member(1, a.clientId().pid()));
    }

    @Test
    void anEmbeddedHandleAndAnIpcClientShareAGroup() throws Exception {
        TotemNode node = node(s -> s);
        Events ee = new Events();
        Events ei = new Events();
        CpgHandle embedded = node.cpg().orElseThrow().open(ee);
        CpgClient ipc = client(ei);
        join(embedded, ee, "g");
        join(ipc, ei, "g");
        // The confchg of the IPC client's join names its view alike for both, over the socket too.
        List<CpgEvent.Confchg> seenEmbedded = ee.confchgs("g");
        String view = ei.confchgs("g").get(0).view();
        assertThat(view).matches("r\\d+:\\d+@\\d+");
        assertThat(seenEmbedded.get(seenEmbedded.size() - 1).view()).isEqualTo(view);
        assertThat(seenEmbedded.get(0).view()).isNotEqualTo(view);

        for (int i = 0; i < 100; i++) {
            assertThat(embedded.mcast("g", text("e" + i), Guarantee.AGREED)).isEqualTo(CpgResult.OK);
        }
        assertThat(embedded.mcast("g", new byte[CpgConfig.defaults().messageBytesMax() + 1], Guarantee.AGREED).error())
                .isEqualTo(CpgError.TOO_BIG);
        await().atMost(WAIT).until(() -> ei.delivered() == 100);
        assertThat(ei.texts()).isEqualTo(ee.texts());
        assertThat(ee.texts().get(99)).isEqualTo("e99"); // one sender: its order
    }

    @Test
    void theInboxOfEmbeddedMulticastsIsBoundedInBytesAndLosesNoneItAccepted() throws Exception {
        TotemNode node = node(s -> s);
        CountDownLatch loopHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Events events = new Events() {
            @Override
            public void onDeliver(CpgEvent.Deliver deliver) {
                super.onDeliver(deliver);
                if (new String(deliver.payload(), StandardCharsets.UTF_8).equals("hold")) {
                    loopHeld.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS); // holds the node's loop, on purpose
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        CpgHandle h = node.cpg().orElseThrow().open(events);
        join(h, events, "g");
        assertThat(h.mcast("g", text("hold"), Guarantee.AGREED)).isEqualTo(CpgResult.OK);
        assertThat(loopHeld.await(30, TimeUnit.SECONDS)).isTrue();

        // The loop is held: the inbox fills with 1 MiB messages up to its byte bound, far below
        // its bound in calls, and then answers TRY_AGAIN.
        int size = 1 << 20;
        int accepted = 0;
        CpgResult r;
        while ((r = h.mcast("g", filled(size, accepted), Guarantee.AGREED)).ok()) {
            accepted++;
            assertThat(accepted).isLessThanOrEqualTo((int) (NodeCpg.INBOX_BYTES_MAX / size));
        }
        assertThat(accepted).isEqualTo((int) (NodeCpg.INBOX_BYTES_MAX / size));
        assertThat(r.error()).isEqualTo(CpgError.TRY_AGAIN);
        assertThat(r.detail()).contains(NodeCpg.INBOX_BYTES_MAX + " bytes");
        release.countDown();

        int expected = accepted;
        await().atMost(WAIT).until(() -> events.delivered() == 1 + expected);
        List<CpgEvent.Deliver> big = events.all.stream().filter(e -> e instanceof CpgEvent.Deliver d
                && d.payload().length == size).map(e -> (CpgEvent.Deliver) e).toList();
        for (int i = 0; i < expected; i++) {
            assertThat(big.get(i).payload()).isEqualTo(filled(size, i));
        }
        // Room again once the loop drained the inbox.
        await().atMost(WAIT).until(() -> h.mcast("g", text("after"), Guarantee.AGREED).ok());
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void anOversizedMessageGetsTooBigAndAnOversizedFrameAnErrorWhileTheNodeGoesOn() throws Exception {
        node(s -> s);
        Events ea = new Events();
        CpgClient a = client(ea);
        join(a, ea, "g");
        int max = a.messageBytesMax();

        CpgResult tooBig = a.mcast("g", new byte[max + 1], Guarantee.AGREED);
        assertThat(tooBig.error()).isEqualTo(CpgError.TOO_BIG);
        assertThat(tooBig.detail()).contains(Integer.toString(max + 1), Integer.toString(max));

        try (SocketChannel raw = rawConnection()) {
            raw.write(ByteBuffer.allocate(4).putInt(0, 64 << 20));
            ServerMessage m = readMessage(raw);
            assertThat(m.getError().getDetail()).contains("request frame of " + (64 << 20) + " bytes is larger than");
            assertEnded(raw);
        }
        assertThat(a.mcast("g", new byte[max], Guarantee.AGREED)).isEqualTo(CpgResult.OK);
        await().atMost(WAIT).until(() -> ea.delivered() == 1);
    }

    @Test
    void messagesOfEverySizeArriveWholeAndInOrderThroughTheClientsReadBuffer() throws Exception {
        node(s -> s);
        Events ea = new Events();
        CpgClient a = client(ea);
        join(a, ea, "g");
        // Around the client's read buffer: frames split across reads, one larger than the buffer.
        int[] sizes = {1, CpgClient.READ_BUFFER_BYTES - 40, 7, CpgClient.READ_BUFFER_BYTES + 1, 0, a.messageBytesMax(), 3};
        java.util.Random random = new java.util.Random(11);
        List<byte[]> sent = new java.util.ArrayList<>();
        for (int size : sizes) {
            byte[] p = new byte[size];
            random.nextBytes(p);
            sent.add(p);
            assertThat(a.mcastAsync("g", p, Guarantee.AGREED).get()).isEqualTo(CpgResult.OK);
        }
        await().atMost(WAIT).until(() -> ea.delivered() == sizes.length);
        List<byte[]> got = ea.all.stream().filter(e -> e instanceof CpgEvent.Deliver)
                .map(e -> ((CpgEvent.Deliver) e).payload()).toList();
        assertThat(got).hasSize(sizes.length);
        for (int i = 0; i < sizes.length; i++) {
            assertThat(got.get(i)).as("message %d of %d bytes", i, sizes[i]).isEqualTo(sent.get(i));
        }
    }

    @Test
    void aMalformedFrameGetsAnErrorWhileTheNodeGoesOn() throws Exception {
        node(s -> s);
        Events ea = new Events();
        CpgClient a = client(ea);
        join(a, ea, "g");

        try (SocketChannel raw = rawConnection()) {
            byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
            raw.write(ByteBuffer.allocate(4 + garbage.length).putInt(garbage.length).put(garbage).flip());
            ServerMessage m = readMessage(raw);
            assertThat(m.getError().getDetail()).startsWith("malformed request frame of 5 bytes");
            assertEnded(raw);
        }
        try (SocketChannel raw = rawConnection()) {
            send(raw, ClientMessage.newBuilder().setId(7).setJoin(Join.newBuilder().setGroup("g")).build());
            assertThat(readMessage(raw).getError().getDetail()).startsWith("the first request must be hello");
        }
        assertThat(a.mcast("g", text("still here"), Guarantee.AGREED)).isEqualTo(CpgResult.OK);
        await().atMost(WAIT).until(() -> ea.texts().equals(List.of("still here")));
    }

    /**
     * Tests run as root, and root is always allowed; so this node turns that rule off (a test
     * switch of {@link PeerPolicy}) and lists only a uid no test runs as. {@code PeerPolicyTest}
     * covers the rule itself with given credentials.
     */
    @Test
    void aPeerWhoseUidIsNotAllowedIsRefused() throws Exception {
        node(s -> s.withPeers(PeerPolicy.of(Set.of(54_321), Set.of(54_321)).withRootAllowed(false)));

        assertThatThrownBy(() -> client(new Events())).isInstanceOf(IOException.class)
                .hasMessageContaining("refused")
                .hasMessageContaining("are not allowed");
    }

    /** A reload of the file's uidgid sections lets in a peer refused before, without a restart (as corosync). */
    @Test
    void aReloadedUidgidLetsARefusedPeerIn() throws Exception {
        RuntimeSettings.Builder b = NodeRunner.loopbackCluster(Transport.UDPU, 1, dir, CONFIG).get(0);
        CpgSettings cpg = CpgSettings.embedded().withSocket(dir.resolve("cpg.sock"));
        RuntimeSettings refusing = b.cpg(cpg.withPeers(PeerPolicy.of(Set.of(54_321), Set.of()).withRootAllowed(false))).build();
        RuntimeSettings allowing = b.cpg(cpg.withPeers(PeerPolicy.of(Set.of(0), Set.of()).withRootAllowed(false))).build();
        TotemNode node = new TotemNode(refusing);
        open.add(node);
        node.start();
        assertThatThrownBy(() -> client(new Events())).isInstanceOf(IOException.class).hasMessageContaining("refused");

        node.reloadConfigFrom(() -> allowing);
        assertThat(node.reloadConfig().get(10, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo("ok nodelist: unchanged; uidgid: new users and groups for the CPG socket");

        Events e = new Events();
        CpgClient c = client(e);
        join(c, e, "g");
        assertThat(node.cpg().orElseThrow().settings().peers().uids()).containsExactly(0);
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWhileAnotherKeepsItsThroughput() throws Exception {
        int messageBytes = 16 << 10;
        node(s -> s.withConfig(CpgConfig.defaults().withMessageBytesMax(messageBytes)
                        .withInflight(INFLIGHT_MESSAGES_MAX, 16 * messageBytes))
                .withConnectionOutboundBytesMax(128 * messageBytes));
        Events ea = new Events();
        CpgClient a = client(ea);
        join(a, ea, "g");
        SocketChannel stalled = rawConnection();
        int stalledPid = helloAndJoin(stalled, "g");
        await().atMost(WAIT).until(() -> ea.lastMembers("g").size() == 2);
        // From here the stalled client reads nothing.

        int count = 1_000;
        byte[] payload = new byte[messageBytes];
        List<java.util.concurrent.CompletableFuture<CpgResult>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(a.mcastAsync("g", payload, Guarantee.AGREED));
        }
        for (var f : sent) {
            assertThat(f.get()).as("a streamed multicast").isEqualTo(CpgResult.OK);
        }

        await().atMost(WAIT).until(() -> ea.delivered() == count);
        assertThat(ea.sawLeft("g", 1, stalledPid, Reason.PROCDOWN)).isTrue();
        assertThat(ea.lastMembers("g")).containsExactly(CpgAddress.member(1, a.clientId().pid()));
    }

    @Test
    void aClientThatDoesNotReadHasItsRequestsHeldBackUntilItReadsAndLosesNothing() throws Exception {
        int messageBytes = 16 << 10;
        TotemNode n = node(s -> s.withConfig(CpgConfig.defaults().withMessageBytesMax(messageBytes)
                        .withInflight(INFLIGHT_MESSAGES_MAX, 16 * messageBytes))
                .withConnectionOutboundBytesMax(64 * messageBytes));
        NodeCpg cpg = n.cpg().orElseThrow();
        Events ea = new Events();
        CpgClient a = client(ea);
        join(a, ea, "g");
        SocketChannel raw = rawConnection();
        helloAndJoin(raw, "g");
        await().atMost(WAIT).until(() -> ea.lastMembers("g").size() == 2);
        // 48 messages to the raw client, which does not read: three times its hold-back mark (the
        // socket's buffer takes some), under its disconnection bound.
        int count = 48;
        List<java.util.concurrent.CompletableFuture<CpgResult>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(a.mcastAsync("g", new byte[messageBytes], Guarantee.AGREED));
        }
        await().atMost(WAIT).until(() -> ea.delivered() == count);
        // The sender itself may have been held back while its 768 KB came back to it faster than
        // it read them (its requests arrive in large writes): only the raw client's counts below.
        long holdBacksBefore = cpg.clientHoldBacks();

        send(raw, ClientMessage.newBuilder().setId(10).setMcast(dev.totem.cpg.ipc.wire.Mcast.newBuilder()
                .setGroup("g").setWait(true).setPayload(com.google.protobuf.ByteString.copyFromUtf8("m10"))).build());
        await().atMost(WAIT).until(() -> cpg.clientHoldBacks() == holdBacksBefore + 1);
        assertThat(ea.texts()).as("held back, so not multicast").doesNotContain("m10");

        int deliveries = 0;
        boolean answered = false;
        while (!answered || deliveries < count + 1) {
            ServerMessage m = readMessage(raw);
            if (m.hasDeliver()) {
                deliveries++;
            } else if (m.hasReply() && m.getReply().getId() == 10) {
                assertThat(m.getReply().getError()).isEqualTo(CpgError.OK.code());
                answered = true;
            }
        }
        await().atMost(WAIT).until(() -> ea.texts().contains("m10"));
        assertThat(ea.lastMembers("g")).hasSize(2);
        for (var f : sent) {
            assertThat(f.get()).isEqualTo(CpgResult.OK);
        }
    }

    @Test
    void streamedMulticastsTheRingTookShareOneOkAndOtherAnswersComeInOrder() throws Exception {
        node(s -> s);
        Events ea = new Events();
        CpgClient a = client(ea);
        join(a, ea, "g");
        SocketChannel raw = rawConnection();
        helloAndJoin(raw, "g");
        // Five streamed multicasts, a non-streamed one to a group this client is not in, two more
        // streamed: in one write, so the node serves them in one task.
        ByteBuffer burst = ByteBuffer.allocate(4096);
        for (long id = 10; id <= 17; id++) {
            boolean refused = id == 15;
            byte[] body = ClientMessage.newBuilder().setId(id).setMcast(dev.totem.cpg.ipc.wire.Mcast.newBuilder()
                    .setGroup(refused ? "not-joined" : "g").setWait(!refused)
                    .setPayload(com.google.protobuf.ByteString.copyFromUtf8("m" + id))).build().toByteArray();
            burst.putInt(body.length).put(body);
        }
        burst.flip();
        while (burst.hasRemaining()) {
            raw.write(burst);
        }
        List<String> answers = new ArrayList<>();
        long last = 0;
        while (last != 17) {
            ServerMessage m = readMessage(raw);
            if (m.hasReply()) {
                last = m.getReply().getId();
                answers.add(last + ":" + m.getReply().getError());
            }
        }
        assertThat(answers).containsExactly("14:" + CpgError.OK.code(), "15:" + CpgError.NOT_EXIST.code(),
                "17:" + CpgError.OK.code());
        await().atMost(WAIT).until(() -> ea.texts().size() == 7);
        assertThat(ea.texts()).containsExactly("m10", "m11", "m12", "m13", "m14", "m16", "m17");
    }

    /** Says hello (request 1) and joins {@code group} (request 2, again while TRY_AGAIN) on a raw connection; returns its pid. */
    private int helloAndJoin(SocketChannel raw, String group) throws Exception {
        open.add(raw);
        send(raw, ClientMessage.newBuilder().setId(1)
                .setHello(Hello.newBuilder().setVersion(dev.totem.cpg.ipc.IpcFrames.PROTOCOL_VERSION)).build());
        int pid = readMessage(raw).getReply().getPid();
        await().atMost(WAIT).until(() -> {
            send(raw, ClientMessage.newBuilder().setId(2).setJoin(Join.newBuilder().setGroup(group)).build());
            return readMessage(raw).getReply().getError() == CpgError.OK.code();
        });
        return pid;
    }

    private SocketChannel rawConnection() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(dir.resolve("cpg.sock")));
        return ch;
    }

    private static void send(SocketChannel ch, ClientMessage m) throws IOException {
        byte[] body = m.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static ServerMessage readMessage(SocketChannel ch) throws IOException {
        DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return ServerMessage.parseFrom(frame);
    }

    private static void assertEnded(SocketChannel ch) {
        assertThatThrownBy(() -> readMessage(ch)).isInstanceOf(EOFException.class);
    }
}
