package dev.totem.simulator.check;

import dev.totem.cpg.CpgAddress;
import dev.totem.simulator.check.CpgHistory.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a {@link CpgHistory} against the properties of closed process groups, group by group:
 *
 * <ul>
 *   <li>cpg-view-agreement: processes that install the same group view agree on its members;
 *   <li>cpg-virtual-synchrony: processes that install the same two consecutive views of a group
 *       deliver the same set of its messages in between;
 *   <li>cpg-confchg: each confchg follows from the process's previous view (members = previous −
 *       left + joined, the joiner is in its first view's joined list, a process that drops out is
 *       in the left list);
 *   <li>cpg-confchg-reason: each change names why: LEAVE only for a process that asked to leave,
 *       PROCDOWN only for one that went away (or whose node crashed) or asked to leave (heard
 *       across a merge, where only its absence is known), NODEDOWN only with every
 *       process of that node from the previous view gone too, JOIN only for one that asked to
 *       join (NODEUP: a member that came with a merging node), never a left reason in the joined
 *       list or the other way round;
 *   <li>cpg-member-delivery: a process delivers a group's messages only while it is a member, and
 *       only from senders in its current view;
 *   <li>cpg-self-delivery: a process delivers every message it multicast, unless it left the
 *       group, went away or its node crashed first;
 *   <li>cpg-total-order: one total order fits every process's deliveries, over all groups (they all
 *       go through the one ring);
 *   <li>cpg-fifo, cpg-no-duplicate, cpg-no-invented: per group and sender, in send order and
 *       without gaps inside one view; at most once per process; only messages that process
 *       multicast to that group;
 *   <li>cpg-liveness: once faults stop, the live members of each group end in one view of
 *       exactly them, and deliver every message a member multicast after that point.
 * </ul>
 */
public final class CpgChecker {
    /** Every property it checks, in the order above. */
    public static final List<String> PROPERTIES = List.of("cpg-view-agreement", "cpg-virtual-synchrony", "cpg-confchg",
            "cpg-confchg-reason", "cpg-member-delivery", "cpg-self-delivery", "cpg-total-order", "cpg-fifo",
            "cpg-no-duplicate", "cpg-no-invented", "cpg-liveness");

    /** What the checker knows of one process. */
    private static final class Proc {
        final String name;
        boolean alive = true;
        /** group -> view the process is in (null: none) */
        final Map<String, View> views = new HashMap<>();
        /** own multicasts not yet delivered back: id -> group */
        final Map<String, String> pending = new LinkedHashMap<>();
        final Set<String> seen = new HashSet<>();
        /** sender key + group -> {last send index, view serial it was delivered in} */
        final Map<String, long[]> fifo = new HashMap<>();

        Proc(String name) {
            this.name = name;
        }
    }

    /** A process's current view of one group and what it delivered in it. */
    private record View(String id, long serial, Set<Long> members, boolean member, Set<String> delivered) {}

    /** A multicast: its sender, group and index among the sender's messages to that group. */
    private record Send(int node, int pid, String group, long index) {}

    private final CpgHistory history;
    private final ViolationLog log = new ViolationLog();
    private final Map<Long, Proc> procs = new TreeMap<>();
    private final Map<String, Send> sends = new HashMap<>();
    private final Map<String, Long> sendCounts = new HashMap<>();
    private final Map<String, List<CpgAddress>> viewMembers = new HashMap<>();
    private final Map<String, Set<String>> between = new HashMap<>();
    private final Map<String, String> betweenWitness = new HashMap<>();
    private final DeliveryOrders orders = new DeliveryOrders();
    /** "node/pid group" of every join and leave a node accepted. */
    private final Set<String> joinCalls = new HashSet<>();
    private final Set<String> leaveCalls = new HashSet<>();
    private long viewSerial;

    private CpgChecker(CpgHistory history) {
        this.history = history;
    }

    /** All violations of {@code history}; empty when every property holds. */
    public static List<Violation> check(CpgHistory history) {
        CpgChecker c = new CpgChecker(history);
        c.replay();
        c.totalOrder();
        c.selfDelivery();
        c.liveness();
        return c.log.violations();
    }

    private static long key(int node, int pid) {
        return ((long) node << 32) | (pid & 0xffffffffL);
    }

    private Proc proc(int node, int pid) {
        return procs.computeIfAbsent(key(node, pid), k -> new Proc(node + "/" + pid));
    }

    private void report(String property, String detail) {
        log.report(property, detail);
    }

    private void replay() {
        for (Event e : history.events()) {
            switch (e.kind()) {
                case MCAST -> {
                    String senderGroup = e.node() + "/" + e.pid() + " " + e.group();
                    long index = sendCounts.merge(senderGroup, 1L, Long::sum);
                    if (sends.putIfAbsent(e.id(), new Send(e.node(), e.pid(), e.group(), index)) != null) {
                        report("cpg-no-duplicate", "message id " + e.id() + " multicast twice");
                    }
                    proc(e.node(), e.pid()).pending.put(e.id(), e.group());
                }
                case DELIVER -> deliver(e);
                case CONFCHG -> confchg(e);
                case GONE -> gone(proc(e.node(), e.pid()));
                case CRASH -> {
                    for (Map.Entry<Long, Proc> p : procs.entrySet()) {
                        if ((int) (p.getKey() >> 32) == e.node()) {
                            gone(p.getValue());
                        }
                    }
                }
                case JOIN -> joinCalls.add(e.node() + "/" + e.pid() + " " + e.group());
                case LEAVE -> leaveCalls.add(e.node() + "/" + e.pid() + " " + e.group());
            }
        }
    }

    private void totalOrder() {
        List<String> unordered = orders.unordered();
        if (!unordered.isEmpty()) {
            report("cpg-total-order", unordered.size() + " messages lie on ordering cycles of processes' deliveries, e.g. "
                    + unordered.subList(0, Math.min(6, unordered.size())));
        }
    }

    private static void gone(Proc p) {
        p.alive = false;
        p.pending.clear();
        p.views.clear();
    }

    private void deliver(Event e) {
        Proc p = proc(e.node(), e.pid());
        String where = "process " + p.name + " delivered " + e.id() + " in group " + e.group();
        if (!p.seen.add(e.id())) {
            report("cpg-no-duplicate", where + " twice");
            return;
        }
        orders.delivered(key(e.node(), e.pid()), e.id());
        Send s = sends.get(e.id());
        if (s == null || !s.group().equals(e.group()) || s.node() != e.sender() || s.pid() != e.senderPid()) {
            report("cpg-no-invented", where + " from " + e.sender() + "/" + e.senderPid() + ", but "
                    + (s == null ? "nobody multicast it" : s.node() + "/" + s.pid() + " multicast it to " + s.group()));
            return;
        }
        View v = p.views.get(e.group());
        if (v == null || !v.member()) {
            report("cpg-member-delivery", where + " while not a member of the group");
        } else {
            if (!v.members().contains(key(e.sender(), e.senderPid()))) {
                report("cpg-member-delivery", where + " from " + e.sender() + "/" + e.senderPid()
                        + ", who is not in its view " + v.id());
            }
            v.delivered().add(e.id());
        }
        if (e.sender() == e.node() && e.senderPid() == e.pid()) {
            p.pending.remove(e.id());
        }
        String fifoKey = e.sender() + "/" + e.senderPid() + " " + e.group();
        long serial = v == null ? -1 : v.serial();
        long[] last = p.fifo.get(fifoKey);
        if (last != null) {
            if (s.index() <= last[0]) {
                report("cpg-fifo", where + " after a later message of the same sender");
            } else if (last[1] == serial && s.index() != last[0] + 1) {
                report("cpg-fifo", where + " but skipped " + (s.index() - last[0] - 1) + " earlier messages of "
                        + e.sender() + "/" + e.senderPid() + " within one view");
            }
        }
        p.fifo.put(fifoKey, new long[] {s.index(), serial});
    }

    private void confchg(Event e) {
        Proc p = proc(e.node(), e.pid());
        String viewKey = e.group() + " " + e.view();
        String where = "process " + p.name + " installed view " + e.view() + " of group " + e.group();
        List<CpgAddress> seen = viewMembers.putIfAbsent(viewKey, e.members());
        if (seen != null && !sameProcesses(seen, e.members())) {
            report("cpg-view-agreement", where + " with members " + e.members() + " but another process with " + seen);
        }
        Set<Long> members = keys(e.members());
        Set<Long> left = keys(e.left());
        Set<Long> joined = keys(e.joined());
        long self = key(e.node(), e.pid());
        View previous = p.views.get(e.group());
        boolean wasMember = previous != null && previous.member();
        boolean isMember = members.contains(self);
        reasons(e, where, wasMember ? previous.members() : Set.of());
        if (wasMember) {
            Set<Long> expected = new TreeSet<>(previous.members());
            if (!expected.containsAll(left) || joined.stream().anyMatch(expected::contains)) {
                report("cpg-confchg", where + ": left " + e.left() + " or joined " + e.joined()
                        + " does not fit the previous view " + previous.id());
            }
            expected.removeAll(left);
            expected.addAll(joined);
            if (!expected.equals(members)) {
                report("cpg-confchg", where + ": members " + e.members() + " are not the previous view " + previous.id()
                        + " less " + e.left() + " plus " + e.joined());
            }
            if (!isMember && !left.contains(self)) {
                report("cpg-confchg", where + ": it is no longer a member but not in the left list " + e.left());
            }
            if (isMember) {
                String pair = e.group() + " " + previous.id() + " -> " + e.view();
                Set<String> other = between.putIfAbsent(pair, previous.delivered());
                if (other == null) {
                    betweenWitness.put(pair, p.name);
                } else if (!other.equals(previous.delivered())) {
                    report("cpg-virtual-synchrony", "processes " + betweenWitness.get(pair) + " and " + p.name
                            + " delivered different messages between views " + pair + ": " + EvsChecker.difference(other,
                            previous.delivered()));
                }
            }
        } else if (isMember && !joined.contains(self)) {
            report("cpg-confchg", where + ": its first view after joining does not list it as joined: " + e.joined());
        }
        if (!isMember) {
            p.views.remove(e.group());
            // It left (or was reported down): what it multicast to the group need not come back.
            p.pending.values().removeIf(g -> g.equals(e.group()));
        } else {
            p.views.put(e.group(), new View(e.view(), ++viewSerial, members, true, new HashSet<>()));
        }
    }

    /** cpg-confchg-reason for the lists of confchg {@code e}; {@code before}: the previous view's members, if known. */
    private void reasons(Event e, String where, Set<Long> before) {
        Set<Long> after = keys(e.members());
        for (CpgAddress a : e.left()) {
            String call = a.nodeId() + "/" + a.pid() + " " + e.group();
            String wrong = switch (a.reason()) {
                case LEAVE -> leaveCalls.contains(call) ? null : "it never asked to leave";
                // Also for a process that left while the ring was split: the other side's members
                // learn only that it is gone, from a JOINLIST of its node (JoinListUnion).
                case PROCDOWN -> !proc(a.nodeId(), a.pid()).alive || leaveCalls.contains(call) ? null
                        : "it had neither gone away nor asked to leave";
                case NODEDOWN -> before.stream().filter(after::contains).anyMatch(k -> (int) (k >> 32) == a.nodeId())
                        ? "another process of that node from the previous view stays" : null;
                case JOIN, NODEUP, UNDEFINED -> "not a reason to leave";
            };
            if (wrong != null) {
                report("cpg-confchg-reason", where + ": " + a + " left, but " + wrong);
            }
        }
        for (CpgAddress a : e.joined()) {
            String wrong = switch (a.reason()) {
                case JOIN -> joinCalls.contains(a.nodeId() + "/" + a.pid() + " " + e.group()) ? null : "it never asked to join";
                case NODEUP -> null;
                case LEAVE, PROCDOWN, NODEDOWN, UNDEFINED -> "not a reason to join";
            };
            if (wrong != null) {
                report("cpg-confchg-reason", where + ": " + a + " joined, but " + wrong);
            }
        }
    }

    private void selfDelivery() {
        for (Proc p : procs.values()) {
            if (p.alive && !p.pending.isEmpty()) {
                report("cpg-self-delivery", "process " + p.name + " never delivered " + p.pending.size()
                        + " of its own messages, e.g. " + p.pending.keySet().stream().limit(5).toList());
            }
        }
    }

    private void liveness() {
        long quiet = history.quietFromMicros();
        if (quiet == Long.MAX_VALUE) {
            return;
        }
        Map<String, Set<String>> lateByGroup = new TreeMap<>();
        for (Event e : history.events()) {
            if (e.kind() == CpgHistory.Kind.MCAST && e.timeMicros() >= quiet) {
                lateByGroup.computeIfAbsent(e.group(), g -> new TreeSet<>()).add(e.id());
            }
        }
        Map<String, Set<Long>> liveMembers = new TreeMap<>();
        for (Map.Entry<Long, Proc> en : procs.entrySet()) {
            Proc p = en.getValue();
            if (!p.alive) {
                continue;
            }
            for (Map.Entry<String, View> v : p.views.entrySet()) {
                liveMembers.computeIfAbsent(v.getKey(), g -> new TreeSet<>()).add(en.getKey());
            }
        }
        for (Map.Entry<String, Set<Long>> g : liveMembers.entrySet()) {
            String group = g.getKey();
            Set<String> late = lateByGroup.getOrDefault(group, Set.of());
            for (long k : g.getValue()) {
                Proc p = procs.get(k);
                View v = p.views.get(group);
                if (!v.members().equals(g.getValue())) {
                    report("cpg-liveness", "process " + p.name + " ended in view " + v.id() + " of group " + group
                            + " with members " + names(v.members()) + ", not the live members " + names(g.getValue()));
                }
                Set<String> missing = new TreeSet<>(late);
                missing.removeAll(p.seen);
                if (!missing.isEmpty()) {
                    report("cpg-liveness", "process " + p.name + " never delivered " + missing.size() + " messages multicast to "
                            + group + " after the faults stopped, e.g. " + missing.stream().limit(5).toList());
                }
            }
        }
    }

    private static Set<Long> keys(List<CpgAddress> list) {
        Set<Long> out = new TreeSet<>();
        for (CpgAddress a : list) {
            out.add(key(a.nodeId(), a.pid()));
        }
        return out;
    }

    private static boolean sameProcesses(List<CpgAddress> a, List<CpgAddress> b) {
        return keys(a).equals(keys(b)) && a.size() == b.size();
    }

    private static List<String> names(Set<Long> keys) {
        List<String> out = new ArrayList<>();
        for (long k : keys) {
            out.add((int) (k >> 32) + "/" + (int) k);
        }
        return out;
    }
}
