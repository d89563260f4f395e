package dev.totem.simulator.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.Reason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made histories: one that keeps every per-group property, and one breaking each. */
class CpgCheckerTest {
    private static final String G = "g";

    /** Builds a history with a clock that advances one microsecond per event. */
    private static final class Builder {
        final CpgHistory h = new CpgHistory();
        long t;

        Builder join(int node, int pid) {
            h.join(++t, node, pid, G);
            return this;
        }

        Builder leave(int node, int pid) {
            h.leave(++t, node, pid, G);
            return this;
        }

        Builder gone(int node, int pid) {
            h.gone(++t, node, pid);
            return this;
        }

        Builder mcast(int node, int pid, String id) {
            h.mcast(++t, node, pid, G, id);
            return this;
        }

        Builder deliver(int node, int pid, String id, int sender, int senderPid) {
            h.deliver(++t, node, pid, G, id, sender, senderPid);
            return this;
        }

        /** Every listed process [node, pid] delivers the message. */
        Builder deliverAll(String id, int sender, int senderPid, int[]... to) {
            for (int[] p : to) {
                deliver(p[0], p[1], id, sender, senderPid);
            }
            return this;
        }

        /** Process [node, pid] installs {@code view}: members as {node, pid, ...} pairs. */
        Builder confchg(int node, int pid, String view, int[] members, List<CpgAddress> left, List<CpgAddress> joined) {
            h.confchg(++t, node, pid, G, view, addresses(members), left, joined);
            return this;
        }

        Builder crash(int node) {
            h.crash(++t, node);
            return this;
        }

        Builder quiet() {
            h.quietFrom(++t);
            return this;
        }

        List<Violation> check() {
            return CpgChecker.check(h);
        }
    }

    private static List<CpgAddress> addresses(int... pairs) {
        List<CpgAddress> out = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(CpgAddress.member(pairs[i], pairs[i + 1]));
        }
        return out;
    }

    private static List<CpgAddress> with(Reason r, int... pairs) {
        return addresses(pairs).stream().map(a -> new CpgAddress(a.nodeId(), a.pid(), r)).toList();
    }

    private static final int[] P1 = {1, 11};
    private static final int[] P2 = {2, 21};

    /** 1/11 joins, then 2/21; both deliver a and b in view v2. */
    private static Builder twoMembers() {
        return new Builder()
                .join(1, 11).confchg(1, 11, "r1:4@1", new int[] {1, 11}, List.of(), with(Reason.JOIN, 1, 11))
                .join(2, 21).confchg(1, 11, "r1:4@2", new int[] {1, 11, 2, 21}, List.of(), with(Reason.JOIN, 2, 21))
                .confchg(2, 21, "r1:4@2", new int[] {1, 11, 2, 21}, List.of(), with(Reason.JOIN, 2, 21));
    }

    private static List<String> properties(List<Violation> vs) {
        return vs.stream().map(Violation::property).distinct().toList();
    }

    @Test
    void aGoodHistoryPasses() {
        Builder b = twoMembers().mcast(1, 11, "a").mcast(2, 21, "b")
                .deliverAll("a", 1, 11, P1, P2).deliverAll("b", 2, 21, P1, P2)
                .crash(2)
                .confchg(1, 11, "t1:8<1:4@0", new int[] {1, 11}, with(Reason.NODEDOWN, 2, 21), List.of())
                .quiet().mcast(1, 11, "late").deliver(1, 11, "late", 1, 11);
        assertThat(b.check()).isEmpty();
    }

    @Test
    void membersOfOneViewMustAgree() {
        Builder b = twoMembers().leave(1, 11).leave(2, 21)
                .confchg(2, 21, "r1:4@3", new int[] {2, 21}, with(Reason.LEAVE, 1, 11), List.of())
                .confchg(1, 11, "r1:4@3", new int[] {1, 11}, with(Reason.LEAVE, 2, 21), List.of());
        assertThat(properties(b.check())).contains("cpg-view-agreement");
    }

    @Test
    void processesGoingFromOneViewToTheSameNextDeliverTheSameMessages() {
        Builder b = twoMembers().mcast(1, 11, "a").deliver(1, 11, "a", 1, 11).join(3, 31)
                .confchg(1, 11, "r1:4@4", new int[] {1, 11, 2, 21, 3, 31}, List.of(), with(Reason.JOIN, 3, 31))
                .confchg(2, 21, "r1:4@4", new int[] {1, 11, 2, 21, 3, 31}, List.of(), with(Reason.JOIN, 3, 31));
        assertThat(properties(b.check())).containsExactly("cpg-virtual-synchrony");
    }

    @Test
    void aConfchgMustFollowFromThePreviousView() {
        Builder b = twoMembers()
                .confchg(1, 11, "r1:4@3", new int[] {1, 11, 2, 21, 3, 31}, List.of(), List.of()) // 3/31 appears unannounced
                .confchg(2, 21, "r1:4@3", new int[] {1, 11, 2, 21, 3, 31}, List.of(), List.of());
        assertThat(properties(b.check())).containsExactly("cpg-confchg");
        Builder joinerNotJoined = new Builder().confchg(1, 11, "r1:4@1", new int[] {1, 11}, List.of(), List.of());
        assertThat(properties(joinerNotJoined.check())).containsExactly("cpg-confchg");
        Builder droppedSilently = twoMembers().confchg(2, 21, "r1:4@3", new int[] {1, 11}, List.of(), List.of());
        assertThat(properties(droppedSilently.check())).contains("cpg-confchg");
    }

    @Test
    void aConfchgNamesWhyEachProcessLeftOrJoined() {
        Builder leaveUnasked = twoMembers()
                .confchg(1, 11, "r1:4@3", new int[] {1, 11}, with(Reason.LEAVE, 2, 21), List.of());
        assertThat(properties(leaveUnasked.check())).containsExactly("cpg-confchg-reason");
        assertThat(leaveUnasked.check().get(0).detail()).contains("2/21 LEAVE left", "never asked to leave");
        Builder procdownAlive = twoMembers()
                .confchg(1, 11, "r1:4@3", new int[] {1, 11}, with(Reason.PROCDOWN, 2, 21), List.of());
        assertThat(properties(procdownAlive.check())).containsExactly("cpg-confchg-reason");
        Builder procdownGone = twoMembers().gone(2, 21)
                .confchg(1, 11, "r1:4@3", new int[] {1, 11}, with(Reason.PROCDOWN, 2, 21), List.of());
        assertThat(procdownGone.check()).isEmpty();
        Builder joinUnasked = twoMembers()
                .confchg(1, 11, "r1:4@3", new int[] {1, 11, 2, 21, 3, 31}, List.of(), with(Reason.JOIN, 3, 31));
        assertThat(properties(joinUnasked.check())).containsExactly("cpg-confchg-reason");
        Builder nodeUp = twoMembers()
                .confchg(1, 11, "r1:4@3", new int[] {1, 11, 2, 21, 3, 31}, List.of(), with(Reason.NODEUP, 3, 31));
        assertThat(nodeUp.check()).isEmpty();
        Builder leftAsJoined = twoMembers().leave(2, 21)
                .confchg(1, 11, "r1:4@3", new int[] {1, 11}, with(Reason.JOIN, 2, 21), List.of());
        assertThat(properties(leftAsJoined.check())).containsExactly("cpg-confchg-reason");
        // Node 2 down, yet its other process 2/22 stays in the view.
        Builder halfDown = new Builder().join(1, 11).join(2, 21).join(2, 22)
                .confchg(1, 11, "r1:4@1", new int[] {1, 11, 2, 21, 2, 22}, List.of(), with(Reason.JOIN, 1, 11, 2, 21, 2, 22))
                .confchg(1, 11, "t1:8<1:4@0", new int[] {1, 11, 2, 22}, with(Reason.NODEDOWN, 2, 21), List.of());
        assertThat(properties(halfDown.check())).containsExactly("cpg-confchg-reason");
        assertThat(halfDown.check().get(0).detail()).contains("another process of that node");
    }

    @Test
    void onlyMembersDeliverAndOnlyFromMembersOfTheirView() {
        Builder beforeJoin = new Builder().mcast(1, 11, "a").deliver(2, 21, "a", 1, 11);
        assertThat(properties(beforeJoin.check())).contains("cpg-member-delivery");
        Builder afterLeave = twoMembers().leave(2, 21)
                .confchg(1, 11, "r1:4@3", new int[] {1, 11}, with(Reason.LEAVE, 2, 21), List.of())
                .confchg(2, 21, "r1:4@3", new int[] {1, 11}, with(Reason.LEAVE, 2, 21), List.of())
                .mcast(1, 11, "a").deliverAll("a", 1, 11, P1, P2);
        assertThat(properties(afterLeave.check())).containsExactly("cpg-member-delivery");
        Builder strangerSender = new Builder().join(1, 11)
                .confchg(1, 11, "r1:4@1", new int[] {1, 11}, List.of(), with(Reason.JOIN, 1, 11))
                .mcast(3, 31, "x").deliver(1, 11, "x", 3, 31);
        assertThat(properties(strangerSender.check())).contains("cpg-member-delivery");
    }

    @Test
    void aMemberThatStaysDeliversWhatItSent() {
        Builder b = twoMembers().mcast(1, 11, "a").deliver(2, 21, "a", 1, 11);
        assertThat(properties(b.check())).containsExactly("cpg-self-delivery");
        Builder leftMeanwhile = twoMembers().mcast(1, 11, "a").leave(1, 11)
                .confchg(1, 11, "r1:4@3", new int[] {2, 21}, with(Reason.LEAVE, 1, 11), List.of())
                .confchg(2, 21, "r1:4@3", new int[] {2, 21}, with(Reason.LEAVE, 1, 11), List.of());
        assertThat(leftMeanwhile.check()).isEmpty();
    }

    @Test
    void messagesOfOneSenderComeInOrderWithoutGapsInAView() {
        Builder reordered = twoMembers().mcast(1, 11, "a").mcast(1, 11, "b")
                .deliverAll("b", 1, 11, P1, P2).deliverAll("a", 1, 11, P1, P2);
        assertThat(properties(reordered.check())).containsExactly("cpg-fifo");
        Builder gap = twoMembers().mcast(1, 11, "a").mcast(1, 11, "b").mcast(1, 11, "c")
                .deliverAll("a", 1, 11, P1, P2).deliver(1, 11, "b", 1, 11)
                .deliverAll("c", 1, 11, P1, P2);
        assertThat(properties(gap.check())).contains("cpg-fifo");
    }

    @Test
    void everyProcessDeliversInOneTotalOrder() {
        Builder crossed = twoMembers().mcast(1, 11, "a").mcast(2, 21, "b")
                .deliver(1, 11, "a", 1, 11).deliver(1, 11, "b", 2, 21)
                .deliver(2, 21, "b", 2, 21).deliver(2, 21, "a", 1, 11);
        assertThat(properties(crossed.check())).containsExactly("cpg-total-order");
        assertThat(crossed.check().get(0).detail()).contains("2 messages", "[a, b]");
        Builder sameOrder = twoMembers().mcast(1, 11, "a").mcast(2, 21, "b")
                .deliverAll("b", 2, 21, P1, P2).deliverAll("a", 1, 11, P1, P2);
        assertThat(sameOrder.check()).isEmpty();
    }

    @Test
    void aMessageIsDeliveredAtMostOnceAndOnlyAsSent() {
        Builder twice = twoMembers().mcast(1, 11, "a").deliverAll("a", 1, 11, P1, P2).deliver(2, 21, "a", 1, 11);
        assertThat(properties(twice.check())).containsExactly("cpg-no-duplicate");
        Builder invented = twoMembers().deliver(2, 21, "ghost", 1, 11);
        assertThat(properties(invented.check())).containsExactly("cpg-no-invented");
        Builder wrongSender = twoMembers().mcast(1, 11, "a").deliver(1, 11, "a", 1, 11).deliver(2, 21, "a", 2, 21);
        assertThat(properties(wrongSender.check())).containsExactly("cpg-no-invented");
        CpgHistory otherGroup = twoMembers().mcast(1, 11, "a").deliver(1, 11, "a", 1, 11).h;
        otherGroup.deliver(99, 2, 21, "other", "a", 1, 11);
        assertThat(properties(CpgChecker.check(otherGroup))).containsExactly("cpg-no-invented");
    }

    @Test
    void afterTheFaultsEveryMemberEndsInOneViewAndDeliversTheLateMessages() {
        Builder missing = twoMembers().quiet().mcast(1, 11, "late").deliver(1, 11, "late", 1, 11);
        assertThat(properties(missing.check())).containsExactly("cpg-liveness");
        Builder split = twoMembers()
                .confchg(1, 11, "t1:8<1:4@0", new int[] {1, 11}, with(Reason.NODEDOWN, 2, 21), List.of())
                .confchg(2, 21, "t2:8<1:4@0", new int[] {2, 21}, with(Reason.NODEDOWN, 1, 11), List.of())
                .quiet();
        assertThat(properties(split.check())).containsExactly("cpg-liveness");
    }
}
