package dev.totem.cpg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpgServiceTest {
    private static final String G = "g";

    private static CpgAddress m(int node, int pid) {
        return CpgAddress.member(node, pid);
    }

    private static CpgAddress a(int node, int pid, Reason reason) {
        return new CpgAddress(node, pid, reason);
    }

    private static CpgEvent.Confchg confchg(String group, List<CpgAddress> members, List<CpgAddress> left,
            List<CpgAddress> joined) {
        return new CpgEvent.Confchg(group, members, left, joined, "");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ClientId pid(int pid) {
        return ClientId.of(pid);
    }

    private static Cluster synced(int... ids) {
        Cluster c = new Cluster(ids);
        c.configure(ids);
        c.order(ids[0]);
        for (int id : ids) {
            assertThat(c.node(id).service.phase()).isEqualTo(SyncPhase.SYNCED);
        }
        return c;
    }

    /**
     * A confchg names the view it installs by the configuration and the node's delivery count in
     * it, so the same change reads alike at every node, and a later one differently.
     */
    @Test
    void confchgsNameTheirViewAlikeAtEveryNode() {
        Cluster c = synced(1, 2, 3);
        String ring = c.node(1).ringId.toString();
        assertThat(c.node(1).service.join(pid(11), G)).isEqualTo(CpgResult.OK);
        assertThat(c.node(2).service.join(pid(21), G)).isEqualTo(CpgResult.OK);
        c.order(1);
        List<CpgEvent> at1 = c.node(1).eventsNamed(11);
        List<CpgEvent> at2 = c.node(2).eventsNamed(21);
        String joinedBoth = ((CpgEvent.Confchg) at1.get(1)).view();
        // Three JOINLISTs of the sync, then the two joins: the second join makes the view.
        assertThat(((CpgEvent.Confchg) at1.get(0)).view()).isEqualTo("r" + ring + "@4");
        assertThat(joinedBoth).isEqualTo("r" + ring + "@5");
        assertThat(((CpgEvent.Confchg) at2.get(0)).view()).isEqualTo(joinedBoth);

        assertThat(c.node(3).service.join(pid(31), G)).isEqualTo(CpgResult.OK);
        c.order(1);
        assertThat(((CpgEvent.Confchg) c.node(1).eventsNamed(11).get(0)).view()).isEqualTo("r" + ring + "@6");
        c.configure(new int[] {1, 2});
        List<CpgEvent> after = c.node(1).eventsNamed(11);
        assertThat(after).hasSize(1);
        assertThat(((CpgEvent.Confchg) after.get(0)).view()).isEqualTo("t" + c.node(1).ringId + "<" + ring + "@0");
    }

    @Test
    void joinMulticastAndLeaveInOneRing() {
        Cluster c = synced(1, 2, 3);
        CpgService s1 = c.node(1).service;
        CpgService s2 = c.node(2).service;
        assertThat(s1.join(pid(11), G)).isEqualTo(CpgResult.OK);
        assertThat(s1.state(pid(11), G)).isEqualTo(ConnectionState.JOIN_STARTED);
        assertThat(s2.join(pid(21), G)).isEqualTo(CpgResult.OK);
        c.order(1);
        assertThat(s1.state(pid(11), G)).isEqualTo(ConnectionState.JOIN_COMPLETED);
        assertThat(c.node(1).events(11)).containsExactly(
                confchg(G, List.of(m(1, 11)), List.of(), List.of(a(1, 11, Reason.JOIN))),
                confchg(G, List.of(m(1, 11), m(2, 21)), List.of(), List.of(a(2, 21, Reason.JOIN))));
        assertThat(c.node(2).events(21)).containsExactly(
                confchg(G, List.of(m(1, 11), m(2, 21)), List.of(), List.of(a(2, 21, Reason.JOIN))));

        assertThat(s1.mcast(pid(11), G, bytes("hello"), Guarantee.AGREED).ok()).isTrue();
        assertThat(s2.mcast(pid(21), G, bytes("world"), Guarantee.SAFE).ok()).isTrue();
        c.order(1);
        List<CpgEvent> expected = List.of(new CpgEvent.Deliver(G, 1, 11, bytes("hello")),
                new CpgEvent.Deliver(G, 2, 21, bytes("world")));
        assertThat(c.node(1).events(11)).isEqualTo(expected);
        assertThat(c.node(2).events(21)).isEqualTo(expected);

        assertThat(s2.leave(pid(21), G)).isEqualTo(CpgResult.OK);
        assertThat(s2.state(pid(21), G)).isEqualTo(ConnectionState.LEAVE_STARTED);
        c.order(1);
        CpgEvent.Confchg left = confchg(G, List.of(m(1, 11)), List.of(a(2, 21, Reason.LEAVE)), List.of());
        assertThat(c.node(1).events(11)).containsExactly(left);
        assertThat(c.node(2).events(21)).containsExactly(left);
        assertThat(s2.state(pid(21), G)).isEqualTo(ConnectionState.UNJOINED);
        assertThat(c.node(3).service.membership(G)).containsExactly(m(1, 11));
        assertThat(c.node(3).service.stats().ownOrderMismatches + s1.stats().ownOrderMismatches).isZero();
    }

    @Test
    void aGroupsReceiversFollowEveryJoinAndLeaveOfItsLocalClients() {
        Cluster c = synced(1, 2);
        CpgService s1 = c.node(1).service;
        assertThat(s1.join(pid(11), G)).isEqualTo(CpgResult.OK);
        c.order(1);
        assertThat(s1.mcast(pid(11), G, bytes("one"), Guarantee.AGREED).ok()).isTrue();
        c.order(1);
        c.node(1).events(11);

        assertThat(s1.join(pid(12), G)).isEqualTo(CpgResult.OK);
        c.order(1);
        c.node(1).events(11);
        c.node(1).events(12);
        assertThat(s1.mcast(pid(11), G, bytes("two"), Guarantee.AGREED).ok()).isTrue();
        c.order(1);
        assertThat(c.node(1).events(11)).containsExactly(new CpgEvent.Deliver(G, 1, 11, bytes("two")));
        assertThat(c.node(1).events(12)).containsExactly(new CpgEvent.Deliver(G, 1, 11, bytes("two")));

        assertThat(s1.leave(pid(11), G)).isEqualTo(CpgResult.OK);
        c.order(1);
        c.node(1).events(11);
        c.node(1).events(12);
        assertThat(s1.mcast(pid(12), G, bytes("three"), Guarantee.AGREED).ok()).isTrue();
        c.order(1);
        assertThat(c.node(1).events(11)).isEmpty();
        assertThat(c.node(1).events(12)).containsExactly(new CpgEvent.Deliver(G, 1, 12, bytes("three")));
    }

    @Test
    void everyStateAnswersAsCorosync() {
        Cluster c = new Cluster(1);
        CpgService s = c.node(1).service;
        assertThat(s.join(pid(5), G).error()).isEqualTo(CpgError.TRY_AGAIN);
        c.configure(new int[] {1});
        assertThat(s.join(pid(5), G).error()).isEqualTo(CpgError.TRY_AGAIN); // syncing
        c.order(1);
        assertThat(s.join(pid(5), "x".repeat(129)).error()).isEqualTo(CpgError.NAME_TOO_LONG);
        assertThat(s.join(pid(5), "é".repeat(65)).error()).isEqualTo(CpgError.NAME_TOO_LONG);
        assertThat(s.join(pid(5), "").error()).isEqualTo(CpgError.INVALID_PARAM);
        assertThat(s.mcast(pid(5), G, bytes("x"), Guarantee.AGREED).error()).isEqualTo(CpgError.NOT_EXIST);
        assertThat(s.leave(pid(5), G).error()).isEqualTo(CpgError.NOT_EXIST);

        assertThat(s.join(pid(5), "x".repeat(128)).ok()).isTrue();
        assertThat(s.join(pid(5), G).ok()).isTrue();
        assertThat(s.join(pid(5), G).error()).isEqualTo(CpgError.EXIST);
        assertThat(s.leave(pid(5), G).error()).isEqualTo(CpgError.BUSY);
        assertThat(s.mcast(pid(5), G, bytes("early"), Guarantee.AGREED).ok()).isTrue(); // allowed while joining
        c.order(1);
        assertThat(c.node(1).events(5)).contains(new CpgEvent.Deliver(G, 1, 5, bytes("early")));
        assertThat(s.join(pid(5), G).error()).isEqualTo(CpgError.EXIST);
        assertThat(s.leave(pid(5), G).ok()).isTrue();
        assertThat(s.join(pid(5), G).error()).isEqualTo(CpgError.BUSY);
        assertThat(s.mcast(pid(5), G, bytes("x"), Guarantee.AGREED).error()).isEqualTo(CpgError.NOT_EXIST);
        assertThat(s.leave(pid(5), G).error()).isEqualTo(CpgError.NOT_EXIST);
        c.order(1);
        assertThat(s.state(pid(5), G)).isEqualTo(ConnectionState.UNJOINED);
        assertThat(s.join(pid(5), G).ok()).isTrue();
    }

    @Test
    void aMebibyteGoesThroughAndOneByteMoreIsTooBig() {
        Cluster c = synced(1, 2);
        CpgService s = c.node(1).service;
        s.join(pid(7), G);
        c.order(1);
        byte[] mib = new byte[1 << 20];
        mib[12345] = 42;
        assertThat(s.mcast(pid(7), G, mib, Guarantee.AGREED).ok()).isTrue();
        CpgResult big = s.mcast(pid(7), G, new byte[(1 << 20) + 1], Guarantee.AGREED);
        assertThat(big.error()).isEqualTo(CpgError.TOO_BIG);
        assertThat(big.detail()).contains("1048577").contains("1048576");
        assertThat(c.node(1).submitted.get(c.node(1).submitted.size() - 1).bytes().length)
                .isLessThanOrEqualTo(CpgConfig.defaults().engineMessageBytesMax());
        c.order(1);
        List<CpgEvent> got = c.node(1).events(7);
        CpgEvent.Deliver d = (CpgEvent.Deliver) got.get(got.size() - 1);
        assertThat(d.length()).isEqualTo(1 << 20);
        assertThat(d.payloadView().get(12345)).isEqualTo((byte) 42);
    }

    /** Nodes 1 and 2 synchronised, process 7 of node 1 joined to G, its confchg taken. */
    private static Cluster pid7JoinedAtNode1() {
        Cluster c = synced(1, 2);
        c.node(1).service.join(pid(7), G);
        c.order(1);
        c.node(1).events(7);
        return c;
    }

    @Test
    void tryAgainFromTheEngineQueuesNothingAndGuaranteesPassThrough() {
        Cluster c = pid7JoinedAtNode1();
        CpgService s = c.node(1).service;
        c.node(1).full = true;
        int before = c.node(1).submitted.size();
        CpgResult r = s.mcast(pid(7), G, bytes("refused"), Guarantee.AGREED);
        assertThat(r.error()).isEqualTo(CpgError.TRY_AGAIN);
        assertThat(s.join(pid(8), G).error()).isEqualTo(CpgError.TRY_AGAIN);
        assertThat(s.state(pid(8), G)).isEqualTo(ConnectionState.UNJOINED);
        assertThat(c.node(1).submitted).hasSize(before);
        c.node(1).full = false;
        assertThat(s.mcast(pid(7), G, bytes("safe one"), Guarantee.SAFE).ok()).isTrue();
        assertThat(c.node(1).submitted.get(before).guarantee()).isEqualTo(Guarantee.SAFE);
        c.order(1);
        assertThat(c.node(1).events(7)).containsExactly(new CpgEvent.Deliver(G, 1, 7, bytes("safe one")));
    }

    @Test
    void afterAFullQueueMulticastsWaitForAnOwnMessageToComeBackBeforeAskingTheEngineAgain() {
        Cluster c = pid7JoinedAtNode1();
        CpgService s = c.node(1).service;
        assertThat(s.mcast(pid(7), G, bytes("first"), Guarantee.AGREED).ok()).isTrue();
        c.node(1).full = true;
        assertThat(s.mcast(pid(7), G, bytes("refused"), Guarantee.AGREED).error()).isEqualTo(CpgError.TRY_AGAIN);
        int calls = c.node(1).submitCalls;

        c.node(1).full = false;
        // "first" is still on its way: the service answers without encoding or asking the engine.
        assertThat(s.mcast(pid(7), G, bytes("again"), Guarantee.AGREED).error()).isEqualTo(CpgError.TRY_AGAIN);
        assertThat(c.node(1).submitCalls).isEqualTo(calls);

        c.order(1); // "first" comes back: frames left the queue
        assertThat(s.mcast(pid(7), G, bytes("now"), Guarantee.AGREED).ok()).isTrue();
        c.order(1);
        assertThat(c.node(1).events(7)).containsExactly(new CpgEvent.Deliver(G, 1, 7, bytes("first")),
                new CpgEvent.Deliver(G, 1, 7, bytes("now")));
    }

    @Test
    void nodesThatLeaveAreReportedAtTheTransitionalConfigurationOneConfchgPerGroup() {
        Cluster c = synced(1, 2, 3);
        for (int n = 1; n <= 3; n++) {
            c.node(n).service.join(pid(n * 10), "a");
            c.node(n).service.join(pid(n * 10), "b");
        }
        c.order(1);
        for (int n = 1; n <= 3; n++) {
            c.node(n).events(n * 10);
        }
        c.configure(new int[] {1, 2}, new int[] {3});
        List<CpgEvent> expected = List.of(
                confchg("a", List.of(m(1, 10), m(2, 20)), List.of(a(3, 30, Reason.NODEDOWN)), List.of()),
                confchg("b", List.of(m(1, 10), m(2, 20)), List.of(a(3, 30, Reason.NODEDOWN)), List.of()));
        assertThat(c.node(1).events(10)).isEqualTo(expected);
        assertThat(c.node(2).events(20)).isEqualTo(expected);
        assertThat(c.node(3).events(30)).containsExactly(
                confchg("a", List.of(m(3, 30)), List.of(a(1, 10, Reason.NODEDOWN), a(2, 20, Reason.NODEDOWN)), List.of()),
                confchg("b", List.of(m(3, 30)), List.of(a(1, 10, Reason.NODEDOWN), a(2, 20, Reason.NODEDOWN)), List.of()));
        assertThat(c.node(1).service.join(pid(11), "a").error()).isEqualTo(CpgError.TRY_AGAIN);
        c.settle();
        RingId ring12 = c.node(1).ringId;
        assertThat(c.node(1).events(10)).containsExactly(new CpgEvent.TotemConfchg(ring12, List.of(1, 2)));
        assertThat(c.node(3).events(30)).containsExactly(new CpgEvent.TotemConfchg(c.node(3).ringId, List.of(3)));
    }

    @Test
    void aMergeReportsNodeUpAndLeavesEveryTableTheSame() {
        Cluster c = new Cluster(1, 2, 3);
        c.configure(new int[] {1, 2}, new int[] {3});
        c.settle();
        c.node(1).service.join(pid(11), G);
        c.node(2).service.join(pid(21), "other");
        c.node(3).service.join(pid(31), G);
        c.settle();
        for (int n = 1; n <= 3; n++) {
            c.node(n).events(n * 10 + 1);
        }
        c.configure(new int[] {1, 2, 3});
        assertThat(c.node(3).service.mcast(pid(31), G, bytes("x"), Guarantee.AGREED).error()).isEqualTo(CpgError.TRY_AGAIN);
        c.settle();
        for (int n = 1; n <= 3; n++) {
            assertThat(c.node(n).service.membership(G)).containsExactly(m(1, 11), m(3, 31));
            assertThat(c.node(n).service.membership("other")).containsExactly(m(2, 21));
        }
        RingId ring = c.node(1).ringId;
        assertThat(c.node(1).events(11)).containsExactly(
                confchg(G, List.of(m(1, 11), m(3, 31)), List.of(), List.of(a(3, 31, Reason.NODEUP))),
                new CpgEvent.TotemConfchg(ring, List.of(1, 2, 3)));
        assertThat(c.node(3).events(31)).containsExactly(
                confchg(G, List.of(m(1, 11), m(3, 31)), List.of(), List.of(a(1, 11, Reason.NODEUP))),
                new CpgEvent.TotemConfchg(ring, List.of(1, 2, 3)));
        assertThat(c.node(2).events(21)).containsExactly(new CpgEvent.TotemConfchg(ring, List.of(1, 2, 3)));
    }

    @Test
    void messagesCaughtByAChangeAreDroppedEverywhereAndSentAgainInOrder() {
        Cluster c = synced(1, 2);
        c.node(1).service.join(pid(11), G);
        c.node(2).service.join(pid(21), G);
        c.settle();
        c.node(1).events(11);
        c.node(2).events(21);
        for (int i = 0; i < 3; i++) {
            assertThat(c.node(1).service.mcast(pid(11), G, bytes("m" + i), Guarantee.AGREED).ok()).isTrue();
        }
        // The token was lost before they went out: a new ring of the same nodes forms.
        c.configure(new int[] {1, 2});
        c.settle();
        List<CpgEvent> expected = new ArrayList<>();
        expected.add(new CpgEvent.TotemConfchg(c.node(1).ringId, List.of(1, 2)));
        for (int i = 0; i < 3; i++) {
            expected.add(new CpgEvent.Deliver(G, 1, 11, bytes("m" + i)));
        }
        assertThat(c.node(1).events(11)).isEqualTo(expected);
        assertThat(c.node(2).events(21)).isEqualTo(expected);
        assertThat(c.node(1).service.stats().resendsQueued).isEqualTo(3);
        assertThat(c.node(2).service.stats().droppedWhileSyncing).isEqualTo(3);
    }

    @Test
    void aJoinAndALeaveCaughtByAChangeEndAtTheSyncWithTheirReasons() {
        Cluster c = synced(1, 2);
        c.node(2).service.join(pid(21), G);
        c.node(2).service.join(pid(22), G);
        c.settle();
        c.node(2).events(21);
        c.node(2).events(22);
        c.node(1).service.join(pid(11), G);
        c.node(2).service.leave(pid(22), G);
        c.configure(new int[] {1, 2});
        c.settle();
        CpgEvent.Confchg change = confchg(G, List.of(m(1, 11), m(2, 21)), List.of(a(2, 22, Reason.LEAVE)),
                List.of(a(1, 11, Reason.JOIN)));
        RingId ring = c.node(1).ringId;
        assertThat(c.node(1).events(11)).containsExactly(change, new CpgEvent.TotemConfchg(ring, List.of(1, 2)));
        assertThat(c.node(2).events(21)).containsExactly(change, new CpgEvent.TotemConfchg(ring, List.of(1, 2)));
        assertThat(c.node(2).events(22)).containsExactly(change);
        assertThat(c.node(1).service.state(pid(11), G)).isEqualTo(ConnectionState.JOIN_COMPLETED);
        assertThat(c.node(2).service.state(pid(22), G)).isEqualTo(ConnectionState.UNJOINED);
    }

    @Test
    void aProcessThatGoesAwayLeavesWithProcdown() {
        Cluster c = synced(1, 2);
        c.node(1).service.join(pid(11), G);
        c.node(2).service.join(pid(21), G);
        c.settle();
        c.node(2).events(21);
        c.node(1).service.clientGone(pid(11));
        c.node(1).flush();
        // A new process with the same pid waits until the old one's leave is delivered.
        assertThat(c.node(1).service.join(pid(11), G).error()).isEqualTo(CpgError.TRY_AGAIN);
        c.settle();
        assertThat(c.node(2).events(21)).containsExactly(
                confchg(G, List.of(m(2, 21)), List.of(a(1, 11, Reason.PROCDOWN)), List.of()));
        assertThat(c.node(1).service.join(pid(11), G).ok()).isTrue();
    }

    @Test
    void aClientThatDoesNotTakeItsEventsIsDisconnectedAndTheOthersGoOn() {
        Cluster c = new Cluster(CpgConfig.defaults().withClientQueue(5, 1 << 20), 1, 2);
        c.configure(new int[] {1, 2});
        c.settle();
        CpgService s = c.node(1).service;
        s.join(pid(11), G);
        s.join(pid(12), G);
        c.node(2).service.join(pid(21), G);
        c.settle();
        c.node(1).events(11);
        c.node(2).events(21);
        List<CpgEvent> seen21 = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            c.node(1).events(11); // 11 keeps up, 12 never reads
            seen21.addAll(c.node(2).events(21));
            assertThat(c.node(2).service.mcast(pid(21), G, bytes("m" + i), Guarantee.AGREED).ok()).isTrue();
            c.settle();
        }
        assertThat(c.node(1).notices).anySatisfy(n -> assertThat(n).isInstanceOfSatisfying(
                CpgNotice.ClientDisconnected.class, d -> {
                    assertThat(d.client()).isEqualTo(pid(12));
                    assertThat(d.reason()).contains("event queue is full");
                }));
        assertThat(s.state(pid(12), G)).isEqualTo(ConnectionState.UNJOINED);
        assertThat(s.state(pid(11), G)).isEqualTo(ConnectionState.JOIN_COMPLETED);
        assertThat(c.node(2).service.membership(G)).containsExactly(m(1, 11), m(2, 21));
        seen21.addAll(c.node(2).events(21));
        assertThat(seen21).contains(confchg(G, List.of(m(1, 11), m(2, 21)), List.of(a(1, 12, Reason.PROCDOWN)), List.of()));
        assertThat(seen21.stream().filter(e -> e instanceof CpgEvent.Deliver)).hasSize(8);
    }

    @Test
    void aMalformedMessageIsDroppedWithANoticeAtEveryNode() {
        Cluster c = synced(1, 2);
        for (int n = 1; n <= 2; n++) {
            c.node(n).feed(new Effect.Deliver(2, new byte[] {9, 9, 9}, Guarantee.AGREED, c.node(n).ringId));
            c.node(n).feed(new Effect.Deliver(2, new byte[] {2, 7, 1}, Guarantee.AGREED, c.node(n).ringId));
            c.node(n).feed(new Effect.Deliver(2, new byte[] {2, 1, (byte) 0xff}, Guarantee.AGREED, c.node(n).ringId));
            c.node(n).flush();
            assertThat(c.node(n).service.stats().malformed).isEqualTo(3);
            assertThat(c.node(n).notices).hasSize(3).allSatisfy(x -> assertThat(x).isInstanceOf(CpgNotice.Malformed.class));
        }
        assertThat(((CpgNotice.Malformed) c.node(1).notices.get(1)).reason()).contains("version 7");
    }

    @Test
    void aJoinListRefusedByAFullQueueIsSentLaterAndTheSyncWaitsForIt() {
        Cluster c = synced(1, 2);
        c.node(2).full = true;
        c.configure(new int[] {1, 2});
        c.order(1);
        assertThat(c.node(1).service.phase()).isEqualTo(SyncPhase.SYNCING);
        assertThat(c.node(2).service.outstandingMessages()).isEqualTo(1);
        c.node(2).full = false;
        c.node(2).flush();
        c.order(1);
        assertThat(c.node(1).service.phase()).isEqualTo(SyncPhase.SYNCED);
        assertThat(c.node(2).service.phase()).isEqualTo(SyncPhase.SYNCED);
    }

    @Test
    void messagesOfANodeThatLeftAreDroppedInTheTransitionalConfiguration() {
        Cluster c = synced(1, 2, 3);
        for (int n = 1; n <= 3; n++) {
            c.node(n).service.join(pid(n * 10), G);
        }
        c.order(1);
        c.node(1).events(10);
        byte[] fromThree = Exec.encode(new Exec.Mcast(G, 30, bytes("late from 3")));
        byte[] fromTwo = Exec.encode(new Exec.Mcast(G, 20, bytes("late from 2")));
        RingId next = new RingId(1, 100);
        Cluster.Node n1 = c.node(1);
        n1.feed(new Effect.ConfigurationChange(Effect.ConfigurationKind.TRANSITIONAL, next, new int[] {1, 2}, new int[] {3},
                new int[0]));
        n1.feed(new Effect.Deliver(3, fromThree, Guarantee.AGREED, next));
        n1.feed(new Effect.Deliver(2, fromTwo, Guarantee.AGREED, next));
        assertThat(n1.service.phase()).isEqualTo(SyncPhase.TRANSITIONAL);
        assertThat(n1.events(10)).containsExactly(
                confchg(G, List.of(m(1, 10), m(2, 20)), List.of(a(3, 30, Reason.NODEDOWN)), List.of()),
                new CpgEvent.Deliver(G, 2, 20, bytes("late from 2")));
        assertThat(n1.service.stats().droppedFromLeftNode).isEqualTo(1);
    }
}
