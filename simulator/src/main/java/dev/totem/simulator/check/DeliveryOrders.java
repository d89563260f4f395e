package dev.totem.simulator.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The delivery orders of several receivers (nodes, or processes), merged into one graph of
 * "delivered before": a total order exists exactly when that graph has no cycle. Receivers that
 * deliver different subsets are fine; only two messages that two receivers order differently,
 * directly or through others, close a cycle.
 */
final class DeliveryOrders {
    /** id -> ids some receiver delivered right after it. */
    private final Map<String, Set<String>> next = new HashMap<>();
    private final Map<String, Integer> indegree = new HashMap<>();
    /** receiver -> the id it delivered last. */
    private final Map<Object, String> last = new HashMap<>();

    /** {@code receiver} delivered {@code id} after everything it delivered before. */
    void delivered(Object receiver, String id) {
        indegree.putIfAbsent(id, 0);
        String previous = last.put(receiver, id);
        if (previous != null && !previous.equals(id) && next.computeIfAbsent(previous, k -> new HashSet<>()).add(id)) {
            indegree.merge(id, 1, Integer::sum);
        }
    }

    /** The ids that lie on a cycle or after one (none when one total order fits every receiver), sorted. */
    List<String> unordered() {
        Map<String, Integer> remaining = new HashMap<>(indegree);
        ArrayDeque<String> ready = new ArrayDeque<>();
        remaining.forEach((id, d) -> {
            if (d == 0) {
                ready.add(id);
            }
        });
        while (!ready.isEmpty()) {
            String id = ready.poll();
            remaining.remove(id);
            for (String n : next.getOrDefault(id, Set.of())) {
                if (remaining.merge(n, -1, Integer::sum) == 0) {
                    ready.add(n);
                }
            }
        }
        List<String> left = new ArrayList<>(remaining.keySet());
        left.sort(null);
        return left;
    }
}
