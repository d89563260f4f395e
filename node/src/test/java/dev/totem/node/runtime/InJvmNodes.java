package dev.totem.node.runtime;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Real nodes in the test's JVM, each with a {@link Recorder} added before it starts; closing
 * this closes them all. Waits are bounded polls on what the recorders saw, never sleeps.
 */
final class InJvmNodes implements AutoCloseable {
    /** Generous: a loop stalled on a loaded machine (2 cores shared by several builds) is slow, not wrong. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Map<Integer, TotemNode> nodes = new HashMap<>();
    private final Map<Integer, Recorder> recorders = new HashMap<>();

    /** Builds, records and starts the node of {@code settings}. */
    TotemNode start(RuntimeSettings settings) throws IOException {
        TotemNode node = new TotemNode(settings);
        Recorder recorder = new Recorder();
        node.addListener(recorder);
        nodes.put(settings.nodeId(), node);
        recorders.put(settings.nodeId(), recorder);
        node.start();
        return node;
    }

    TotemNode node(int id) {
        return nodes.get(id);
    }

    Recorder recorder(int id) {
        return recorders.get(id);
    }

    /** Waits until every node in {@code members} installed, at or after its event {@code from}, a regular configuration of exactly them. */
    void awaitRegular(int from, int... members) {
        for (int id : members) {
            Recorder r = recorders.get(id);
            await("node " + id + " in a regular configuration of " + Arrays.toString(members)).atMost(WAIT)
                    .until(() -> r.hasRegular(from, members));
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(TotemNode::close);
    }
}
