package dev.totem.perf.bench;

import dev.totem.node.runtime.ConfigLine;
import dev.totem.node.runtime.NodeListener;
import dev.totem.node.runtime.RuntimeSettings;
import dev.totem.node.runtime.TotemNode;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TotemNode} in this JVM, sent to through its raw submit ({@code --mode embedded}).
 * Prints a {@code CONFIG} line at each configuration change, so the parent knows when the ring
 * formed; counts deliveries on the node's event loop.
 */
final class EmbeddedPort implements BenchPort {
    private final TotemNode node;

    EmbeddedPort(RuntimeSettings settings, BenchNode bench) throws IOException {
        node = new TotemNode(settings);
        int self = settings.nodeId();
        node.addListener(new NodeListener() {
            @Override
            public void onDeliver(Effect.Deliver d) {
                bench.delivered(d.payloadView(), d.sender() == self);
            }

            @Override
            public void onConfigurationChange(Effect.ConfigurationChange c) {
                bench.say(ConfigLine.of(c));
            }
        });
        node.start();
    }

    /** The node (its CPG service, for {@code --mode cpg}). */
    TotemNode node() {
        return node;
    }

    @Override
    public SubmitStatus send(byte[] payload, Guarantee guarantee) {
        return node.submit(payload, guarantee);
    }

    @Override
    public Map<String, Long> counters() {
        return node.status().counters();
    }

    @Override
    public void close() {
        node.leave().orTimeout(3, TimeUnit.SECONDS).exceptionally(e -> null).join();
        node.close();
    }
}
