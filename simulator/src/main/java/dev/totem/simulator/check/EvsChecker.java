package dev.totem.simulator.check;

import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import dev.totem.simulator.check.History.Event;
import dev.totem.simulator.check.History.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a {@link History} against the properties of Extended Virtual Synchrony:
 *
 * <ul>
 *   <li>config-agreement: nodes that install a configuration agree on its members;
 *   <li>configuration-changes: each node installs configurations that hold itself, a regular
 *       configuration after the first of an incarnation only through a transitional one of the same
 *       ring, whose members were in the previous regular configuration and are in the next, and
 *       regular rings of ever higher sequence numbers (a restart included: the number is stored);
 *   <li>delivery-configuration: every node delivers a message in the regular configuration it was
 *       sent in, by one of its members, or in the transitional configuration that follows it;
 *   <li>self-delivery: a node that does not crash delivers every message it submitted;
 *   <li>virtual-synchrony: two nodes that install the same configuration and then the same next
 *       one delivered the same set of messages in between;
 *   <li>total-order: the union of all nodes' delivery orders has no cycle;
 *   <li>safe: a safe message delivered in a regular configuration is delivered by every member of
 *       it that does not crash;
 *   <li>fifo, no-duplicate, no-invented: per sender in submission order, without gaps inside one
 *       configuration; at most once per node; only messages some node submitted;
 *   <li>liveness: once faults stop, every live node ends in one regular configuration of all live
 *       nodes and delivers every message a live node submitted after that point.
 * </ul>
 *
 * A transitional configuration is identified by its ring and the regular configuration it
 * follows, since members of different old rings install different transitional configurations
 * for one new ring.
 */
public final class EvsChecker {
    /** The properties judged, in the order they are checked: the names violations carry. */
    public static final List<String> PROPERTIES = List.of("config-agreement", "virtual-synchrony",
            "configuration-changes", "delivery-configuration", "self-delivery", "total-order", "safe", "fifo",
            "no-duplicate", "no-invented", "liveness");

    private final History history;
    private final ViolationLog log = new ViolationLog();
    /** id -> submitting node, incarnation and index in that incarnation's submissions. */
    private final Map<String, long[]> submits = new HashMap<>();

    private EvsChecker(History history) {
        this.history = history;
    }

    /** All violations of {@code history}; empty when every property holds. */
    public static List<Violation> check(History history) {
        EvsChecker c = new EvsChecker(history);
        c.indexSubmits();
        c.configAgreementAndVirtualSynchrony();
        c.configurationChanges();
        c.deliveryConfiguration();
        c.selfDelivery();
        c.totalOrder();
        c.safe();
        c.fifoDuplicatesInvented();
        c.liveness();
        return c.log.violations();
    }

    private void report(String property, String detail) {
        log.report(property, detail);
    }

    private void indexSubmits() {
        for (int node : history.nodes()) {
            int incarnation = 0;
            long index = 0;
            for (Event e : history.events(node)) {
                if (e.kind() == Kind.RESTART) {
                    incarnation++;
                    index = 0;
                } else if (e.kind() == Kind.SUBMIT) {
                    if (submits.put(e.id(), new long[] {node, incarnation, index++}) != null) {
                        report("no-duplicate", "id " + e.id() + " submitted twice");
                    }
                }
            }
        }
    }

    /** The identity of the configuration a CONFIG event installs, given the node's previous regular ring. */
    private static String configId(Event e, String previousRegularRing) {
        return e.configKind() == ConfigurationKind.REGULAR ? "regular " + e.ring()
                : "transitional " + e.ring() + " after " + previousRegularRing;
    }

    private void configAgreementAndVirtualSynchrony() {
        Map<String, int[]> membersById = new HashMap<>();
        Map<String, Set<String>> between = new HashMap<>();
        Map<String, Integer> betweenWitness = new HashMap<>();
        for (int node : history.nodes()) {
            String previousRegular = "none";
            String current = null;
            Set<String> delivered = new HashSet<>();
            for (Event e : history.events(node)) {
                switch (e.kind()) {
                    case CONFIG -> {
                        String id = configId(e, previousRegular);
                        int[] seen = membersById.putIfAbsent(id, e.members());
                        if (seen != null && !Arrays.equals(seen, e.members())) {
                            report("config-agreement", "node " + node + " installed " + id + " with members "
                                    + Arrays.toString(e.members()) + " but another node with " + Arrays.toString(seen));
                        }
                        if (current != null) {
                            String key = current + " -> " + id;
                            Set<String> other = between.putIfAbsent(key, delivered);
                            if (other != null && !other.equals(delivered)) {
                                report("virtual-synchrony", "nodes " + betweenWitness.get(key) + " and " + node
                                        + " delivered different sets between " + key + ": " + difference(other, delivered));
                            } else if (other == null) {
                                betweenWitness.put(key, node);
                            }
                        }
                        current = id;
                        delivered = new HashSet<>();
                        if (e.configKind() == ConfigurationKind.REGULAR) {
                            previousRegular = e.ring();
                        }
                    }
                    case DELIVER -> delivered.add(e.id());
                    case CRASH, RESTART -> {
                        current = null;
                        delivered = new HashSet<>();
                        previousRegular = "none";
                    }
                    case SUBMIT -> { }
                }
            }
        }
    }

    private void configurationChanges() {
        for (int node : history.nodes()) {
            Event regular = null;
            Event transitional = null;
            long ringSeqMax = -1;
            for (Event e : history.events(node)) {
                switch (e.kind()) {
                    case CONFIG -> {
                        if (Arrays.binarySearch(e.members(), node) < 0) {
                            report("configuration-changes", "node " + node + " installed " + e.configKind().traceName() + " "
                                    + e.ring() + " " + Arrays.toString(e.members()) + ", which does not hold it");
                        }
                        if (e.configKind() == ConfigurationKind.TRANSITIONAL) {
                            if (transitional != null) {
                                report("configuration-changes", "node " + node + " installed transitional " + e.ring()
                                        + " right after transitional " + transitional.ring());
                            }
                            if (regular != null && !subset(e.members(), regular.members())) {
                                report("configuration-changes", "node " + node + " installed transitional " + e.ring() + " "
                                        + Arrays.toString(e.members()) + " with members not in its regular configuration "
                                        + regular.ring() + " " + Arrays.toString(regular.members()));
                            }
                            transitional = e;
                            continue;
                        }
                        if (transitional != null) {
                            if (!transitional.ring().equals(e.ring()) || !subset(transitional.members(), e.members())) {
                                report("configuration-changes", "node " + node + " installed regular " + e.ring() + " "
                                        + Arrays.toString(e.members()) + " after transitional " + transitional.ring() + " "
                                        + Arrays.toString(transitional.members()));
                            }
                        } else if (regular != null) {
                            report("configuration-changes", "node " + node + " installed regular " + e.ring()
                                    + " right after regular " + regular.ring() + ", without a transitional configuration");
                        }
                        long seq = ringSeq(e.ring());
                        if (seq >= 0 && seq <= ringSeqMax) {
                            report("configuration-changes", "node " + node + " installed regular " + e.ring()
                                    + " after a ring of sequence number " + ringSeqMax);
                        }
                        ringSeqMax = Math.max(ringSeqMax, seq);
                        regular = e;
                        transitional = null;
                    }
                    case CRASH, RESTART -> {
                        regular = null;
                        transitional = null;
                    }
                    case SUBMIT, DELIVER -> { }
                }
            }
        }
    }

    /** The sequence number of a ring written "representative:seq"; -1 if it has none. */
    static long ringSeq(String ring) {
        int colon = ring.lastIndexOf(':');
        try {
            return Long.parseLong(ring.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether every element of ascending {@code a} is in ascending {@code b}. */
    private static boolean subset(int[] a, int[] b) {
        for (int x : a) {
            if (Arrays.binarySearch(b, x) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * EVS delivers a message in the regular configuration it was sent in or in the transitional
     * one that follows: so every delivery of it names one regular configuration, the current one
     * or the one before the current transitional one, and its sender is a member of that.
     */
    private void deliveryConfiguration() {
        Map<String, String> originById = new HashMap<>();
        Map<String, Integer> witnessById = new HashMap<>();
        for (int node : history.nodes()) {
            Event regular = null;
            boolean inTransitional = false;
            for (Event e : history.events(node)) {
                switch (e.kind()) {
                    case CONFIG -> {
                        inTransitional = e.configKind() == ConfigurationKind.TRANSITIONAL;
                        if (!inTransitional) {
                            regular = e;
                        }
                    }
                    case CRASH, RESTART -> {
                        regular = null;
                        inTransitional = false;
                    }
                    case DELIVER -> {
                        if (regular == null) {
                            continue; // a transitional configuration right after a restart: no origin known
                        }
                        if (Arrays.binarySearch(regular.members(), e.sender()) < 0) {
                            report("delivery-configuration", "node " + node + " delivered " + e.id() + " of node " + e.sender()
                                    + " in " + (inTransitional ? "the transitional configuration after " : "")
                                    + "regular " + regular.ring() + " " + Arrays.toString(regular.members())
                                    + ", which its sender is not a member of");
                        }
                        String origin = regular.ring();
                        String first = originById.putIfAbsent(e.id(), origin);
                        if (first == null) {
                            witnessById.put(e.id(), node);
                        } else if (!first.equals(origin)) {
                            report("delivery-configuration", "node " + witnessById.get(e.id()) + " delivered " + e.id()
                                    + " as sent in regular " + first + ", node " + node + " as sent in regular " + origin);
                        }
                    }
                    case SUBMIT -> { }
                }
            }
        }
    }

    /** The first few elements only in {@code a} and only in {@code b}, for a violation's detail. */
    static String difference(Set<String> a, Set<String> b) {
        List<String> onlyA = a.stream().filter(x -> !b.contains(x)).sorted().limit(5).toList();
        List<String> onlyB = b.stream().filter(x -> !a.contains(x)).sorted().limit(5).toList();
        return "first only " + onlyA + ", second only " + onlyB;
    }

    private void selfDelivery() {
        for (int node : history.nodes()) {
            Set<String> submitted = new java.util.LinkedHashSet<>();
            for (Event e : history.events(node)) {
                switch (e.kind()) {
                    case SUBMIT -> submitted.add(e.id());
                    case DELIVER -> submitted.remove(e.id());
                    case CRASH -> submitted.clear();
                    case RESTART, CONFIG -> { }
                }
            }
            if (!submitted.isEmpty()) {
                report("self-delivery", "node " + node + " never delivered " + submitted.size() + " of its own messages, e.g. "
                        + submitted.stream().limit(5).toList());
            }
        }
    }

    private void totalOrder() {
        DeliveryOrders orders = new DeliveryOrders();
        for (int node : history.nodes()) {
            for (Event e : history.events(node)) {
                if (e.kind() == Kind.DELIVER) {
                    orders.delivered(node, e.id());
                }
            }
        }
        List<String> unordered = orders.unordered();
        if (!unordered.isEmpty()) {
            report("total-order", unordered.size() + " messages lie on ordering cycles, e.g. " + unordered.subList(0, Math.min(6, unordered.size())));
        }
    }

    private void safe() {
        Map<Integer, Map<String, Integer>> deliveredAt = new HashMap<>();
        Map<Integer, List<Long>> crashTimes = new HashMap<>();
        Map<Integer, Map<String, Long>> installedAt = new HashMap<>();
        for (int node : history.nodes()) {
            Map<String, Integer> d = new HashMap<>();
            Map<String, Long> inst = new HashMap<>();
            List<Long> crashes = new ArrayList<>();
            int i = 0;
            for (Event e : history.events(node)) {
                if (e.kind() == Kind.DELIVER) {
                    d.put(e.id(), i);
                } else if (e.kind() == Kind.CRASH) {
                    crashes.add(e.timeMicros());
                } else if (e.kind() == Kind.CONFIG && e.configKind() == ConfigurationKind.REGULAR) {
                    inst.putIfAbsent(e.ring(), e.timeMicros());
                }
                i++;
            }
            deliveredAt.put(node, d);
            crashTimes.put(node, crashes);
            installedAt.put(node, inst);
        }
        for (int node : history.nodes()) {
            Event regular = null;
            for (Event e : history.events(node)) {
                if (e.kind() == Kind.CONFIG) {
                    regular = e.configKind() == ConfigurationKind.REGULAR ? e : null;
                } else if (e.kind() == Kind.CRASH || e.kind() == Kind.RESTART) {
                    regular = null;
                } else if (e.kind() == Kind.DELIVER && e.guarantee() == Guarantee.SAFE && regular != null) {
                    for (int member : regular.members()) {
                        if (deliveredAt.getOrDefault(member, Map.of()).containsKey(e.id())) {
                            continue;
                        }
                        long since = installedAt.getOrDefault(member, Map.of()).getOrDefault(regular.ring(), regular.timeMicros());
                        boolean crashedLater = crashTimes.getOrDefault(member, List.of()).stream().anyMatch(t -> t >= since);
                        if (!crashedLater) {
                            report("safe", "node " + node + " delivered safe " + e.id() + " in regular configuration "
                                    + regular.ring() + " but member " + member + ", which did not crash, never delivered it");
                        }
                    }
                }
            }
        }
    }

    private void fifoDuplicatesInvented() {
        for (int node : history.nodes()) {
            Set<String> seen = new HashSet<>();
            // sender incarnation key -> last delivered index and the configuration it was delivered in
            Map<String, long[]> last = new HashMap<>();
            int configIndex = 0;
            for (Event e : history.events(node)) {
                if (e.kind() == Kind.CONFIG || e.kind() == Kind.RESTART || e.kind() == Kind.CRASH) {
                    configIndex++;
                    continue;
                }
                if (e.kind() != Kind.DELIVER) {
                    continue;
                }
                if (!seen.add(e.id())) {
                    report("no-duplicate", "node " + node + " delivered " + e.id() + " twice");
                    continue;
                }
                long[] s = submits.get(e.id());
                if (s == null) {
                    report("no-invented", "node " + node + " delivered " + e.id() + ", which no node submitted");
                    continue;
                }
                if (s[0] != e.sender()) {
                    report("no-invented", "node " + node + " delivered " + e.id() + " as sent by " + e.sender()
                            + " but node " + s[0] + " submitted it");
                }
                String key = s[0] + "/" + s[1];
                long[] previous = last.get(key);
                if (previous != null) {
                    if (s[2] <= previous[0]) {
                        report("fifo", "node " + node + " delivered " + e.id() + " after a later message of the same sender");
                    } else if (previous[1] == configIndex && s[2] != previous[0] + 1) {
                        report("fifo", "node " + node + " skipped " + (s[2] - previous[0] - 1) + " messages of node " + s[0]
                                + " before " + e.id() + " within one configuration");
                    }
                }
                last.put(key, new long[] {s[2], configIndex});
            }
        }
    }

    private void liveness() {
        long quiet = history.quietFromMicros();
        if (quiet == Long.MAX_VALUE) {
            return;
        }
        List<Integer> live = new ArrayList<>();
        Map<Integer, Event> lastConfig = new LinkedHashMap<>();
        for (int node : history.nodes()) {
            boolean alive = true;
            for (Event e : history.events(node)) {
                if (e.kind() == Kind.CRASH) {
                    alive = false;
                    lastConfig.remove(node); // a restarted node is in no configuration until it installs one
                } else if (e.kind() == Kind.RESTART) {
                    alive = true;
                } else if (e.kind() == Kind.CONFIG) {
                    lastConfig.put(node, e);
                }
            }
            if (alive) {
                live.add(node);
            }
        }
        int[] liveIds = live.stream().mapToInt(Integer::intValue).toArray();
        // One configuration, not just equal member lists: a node left behind in an older ring of the
        // same members has not converged.
        String ring = null;
        for (int node : history.configurationsExpected() ? live : List.<Integer>of()) {
            Event c = lastConfig.get(node);
            if (c == null || c.configKind() != ConfigurationKind.REGULAR || !Arrays.equals(c.members(), liveIds)
                    || (ring != null && !ring.equals(c.ring()))) {
                report("liveness", "node " + node + " ended in " + (c == null ? "no configuration"
                        : c.configKind().traceName() + " " + c.ring() + " " + Arrays.toString(c.members()))
                        + ", not one regular configuration of all live nodes " + Arrays.toString(liveIds)
                        + (ring == null ? "" : " such as ring " + ring));
            } else {
                ring = c.ring();
            }
        }
        Set<String> lateSubmits = new TreeSet<>();
        for (int node : live) {
            for (Event e : history.events(node)) {
                if (e.kind() == Kind.SUBMIT && e.timeMicros() >= quiet) {
                    lateSubmits.add(e.id());
                }
            }
        }
        for (int node : live) {
            Set<String> missing = new TreeSet<>(lateSubmits);
            for (Event e : history.events(node)) {
                if (e.kind() == Kind.DELIVER) {
                    missing.remove(e.id());
                }
            }
            if (!missing.isEmpty()) {
                report("liveness", "node " + node + " never delivered " + missing.size()
                        + " messages submitted after the faults stopped, e.g. " + missing.stream().limit(5).toList());
            }
        }
    }
}
