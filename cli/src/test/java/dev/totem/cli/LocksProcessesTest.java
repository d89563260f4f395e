package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.locks.bench.LocksCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lock service across real processes: three {@code locks-node} processes (a node with CPG and
 * a lock service each) on loopback. Node 1 holds a lock, nodes 2 and 3 wait for it in that order;
 * node 1 is killed with SIGKILL. Node 2 must be granted the lock after the confchg that removes
 * node 1, node 3 only after node 2 releases it, and no replica may ever show two holders.
 */
class LocksProcessesTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern GRANTED = Pattern.compile("EVENT Granted\\[name=(\\S+), request=(\\S+), fence=(\\d+)]");
    private static final Pattern RELEASED = Pattern.compile("EVENT Released\\[name=(\\S+), request=(\\S+), cause=(\\w+)]");
    private static final Pattern QUEUED = Pattern.compile("EVENT Queued\\[name=(\\S+), request=(\\d+)/.*");

    @TempDir
    Path dir;

    /** Both ways a node runs its service: on the node's loop ({@code ./totem locks bench}'s default) and on a thread of its own. */
    @ParameterizedTest(name = "service on the node''s loop: {0}")
    @ValueSource(booleans = {true, false})
    void aWaiterGetsTheLockOfAKilledHolderAfterTheConfchgAndNeverBesideAnotherHolder(boolean onLoop) throws Exception {
        List<String> command = ChildJvm.command("locks-node", "-Xmx128m");
        try (LocksCluster cluster = LocksCluster.start(3, dir, onLoop ? onLoop(command) : command, Map.of())) {
            for (int n = 1; n <= 3; n++) {
                cluster.send(n, "watch");
                cluster.awaitLine(n, "WATCHING"::equals, WAIT);
            }
            cluster.send(1, "acquire printer");
            cluster.awaitLine(1, l -> l.startsWith("GRANTED printer "), WAIT);
            // Node 2 queues first, then node 3: FIFO says node 2 is next.
            cluster.send(2, "acquire printer");
            awaitQueued(cluster, 2);
            cluster.send(3, "acquire printer");
            awaitQueued(cluster, 3);

            cluster.kill(1);

            cluster.awaitLine(2, l -> l.startsWith("GRANTED printer "), WAIT);
            List<String> two = cluster.lines(2);
            int confchg = indexOf(two, l -> l.startsWith("CONFCHG locks ") && l.contains("left [1/"));
            int grant = indexOf(two, l -> l.startsWith("GRANTED printer "));
            assertThat(confchg).as("node 2 saw the confchg that removes node 1").isNotNegative();
            assertThat(grant).as("node 2 is granted the lock after that confchg").isGreaterThan(confchg);
            assertThat(cluster.lines(3)).as("node 3 waits while node 2 holds the lock")
                    .noneMatch(l -> l.startsWith("GRANTED printer "));

            cluster.send(2, "release printer");
            cluster.awaitLine(3, l -> l.startsWith("GRANTED printer "), WAIT);
            cluster.send(3, "release printer");
            cluster.awaitLine(3, l -> l.startsWith("RELEASED printer true"), WAIT);
            // Node 3's replica saw the release of its own grant: every event of the run is in its log.
            cluster.awaitLine(3, l -> RELEASED.matcher(l).matches() && l.contains("request=3/") && l.endsWith("RELEASED]"), WAIT);
            cluster.awaitLine(2, l -> RELEASED.matcher(l).matches() && l.contains("request=3/") && l.endsWith("RELEASED]"), WAIT);

            for (int n = 2; n <= 3; n++) {
                List<String> grants = oneHolderAtATime(cluster.lines(n));
                assertThat(grants).as("grants of printer in node %d's replica, in order", n)
                        .extracting(r -> r.substring(0, r.indexOf('/')))
                        .containsExactly("1", "2", "3");
            }
            assertThat(cluster.lines(2)).as("node 1's lock was released because it left")
                    .anyMatch(l -> l.startsWith("EVENT Released[name=printer, request=1/") && l.endsWith("cause=LEFT]"));
        }
    }

    private static void awaitQueued(LocksCluster cluster, int node) throws Exception {
        for (int n = 1; n <= 3; n++) {
            cluster.awaitLine(n, l -> {
                Matcher m = QUEUED.matcher(l);
                return m.matches() && m.group(1).equals("printer") && m.group(2).equals(Integer.toString(node));
            }, WAIT);
        }
    }

    /**
     * Replays a replica's events: a lock is granted only when no one holds it, released only by
     * its holder, and fences grow. Returns the requests granted, in order.
     */
    private static List<String> oneHolderAtATime(List<String> lines) {
        Map<String, String> holders = new HashMap<>();
        Map<String, Long> fences = new HashMap<>();
        List<String> granted = new ArrayList<>();
        for (String l : lines) {
            Matcher g = GRANTED.matcher(l);
            Matcher r = RELEASED.matcher(l);
            if (g.matches()) {
                assertThat(holders.get(g.group(1))).as("holder of %s when %s is granted it", g.group(1), g.group(2)).isNull();
                holders.put(g.group(1), g.group(2));
                long fence = Long.parseLong(g.group(3));
                assertThat(fence).as("fence of %s", g.group(2)).isGreaterThan(fences.getOrDefault(g.group(1), 0L));
                fences.put(g.group(1), fence);
                granted.add(g.group(2));
            } else if (r.matches()) {
                assertThat(holders.get(r.group(1))).as("holder of %s when %s releases it", r.group(1), r.group(2))
                        .isEqualTo(r.group(2));
                holders.remove(r.group(1));
            }
        }
        return granted;
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> match) {
        for (int i = 0; i < lines.size(); i++) {
            if (match.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The node command with the service on the node's loop, as {@code ./totem locks bench} runs it. */
    private static List<String> onLoop(List<String> command) {
        List<String> c = new ArrayList<>(command);
        c.add("--on-loop");
        return c;
    }
}
