package dev.totem.node.runtime;

import dev.totem.membership.MembershipState;
import dev.totem.membership.TotemProcessor;
import dev.totem.node.runtime.NodeCounters.Stat;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * The engine's events as the node reports them: to its {@link NodeListener}s, and in the counters,
 * the latency histogram and the log lines each causes. The listeners may be added and removed from
 * any thread; everything else runs on the event loop. A listener that throws is logged (rate
 * limited) and counted, and the others still get the event.
 */
final class NodeEvents {
    /** One listener call; lets one try/catch serve every kind of event. */
    private interface ListenerCall {
        void call(NodeListener listener);
    }

    private final NodeLog log;
    private final NodeCounters counters;
    /** Takes the age in microseconds of each stamped delivery ({@link NodeMetrics#recordLatency}). */
    private final LongConsumer latencyMicros;
    /** For the token loss's log line; replaced by a reload. */
    private long tokenTimeoutMs;
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private final NodeLog.Limiter listenerErrorLimiter = new NodeLog.Limiter();
    // Event loop thread only.
    private int[] members = new int[0];
    /** The nodes the last transitional configuration lost, for the line of the regular one that follows. */
    private int[] lastLeft = new int[0];

    NodeEvents(NodeLog log, NodeCounters counters, LongConsumer latencyMicros, long tokenTimeoutMs) {
        this.log = log;
        this.counters = counters;
        this.latencyMicros = latencyMicros;
        this.tokenTimeoutMs = tokenTimeoutMs;
    }

    void addListener(NodeListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void removeListener(NodeListener listener) {
        listeners.remove(listener);
    }

    /** The members of the last regular configuration (not a copy: do not change it). */
    int[] members() {
        return members;
    }

    void delivered(Effect.Deliver deliver) {
        counters.increment(deliver.guarantee() == Guarantee.SAFE ? Stat.DELIVERED_SAFE : Stat.DELIVERED_AGREED);
        ByteBuffer payload = deliver.payloadView();
        if (DeliveryStamp.isStamped(payload)) {
            long age = DeliveryStamp.ageMicros(payload, DeliveryStamp.nowMicros());
            if (age >= 0) {
                latencyMicros.accept(age);
            }
        }
        notifyListeners(l -> l.onDeliver(deliver));
    }

    void configurationChanged(Effect.ConfigurationChange change) {
        if (change.kind() == ConfigurationKind.REGULAR) {
            counters.increment(Stat.CONFIGURATIONS_REGULAR);
            members = change.members().clone();
            log.info("ring " + change.ring() + " formed: members " + Arrays.toString(change.members()) + " joined "
                    + Arrays.toString(change.joined()) + " left " + Arrays.toString(lastLeft));
            lastLeft = new int[0];
        } else {
            counters.increment(Stat.CONFIGURATIONS_TRANSITIONAL);
            lastLeft = change.left().clone();
            log.info("transitional configuration to ring " + change.ring() + ": members "
                    + Arrays.toString(change.members()) + " left " + Arrays.toString(change.left()));
        }
        notifyListeners(l -> l.onConfigurationChange(change));
    }

    /** A reloaded token timeout, named in the token loss's log line from now on. */
    void tokenTimeoutMs(long tokenMs) {
        this.tokenTimeoutMs = tokenMs;
    }

    /** @param stateBefore the processor's state before the input that lost the token */
    void tokenLost(Effect.TokenLost lost, MembershipState stateBefore) {
        counters.increment(Stat.TOKEN_LOSSES);
        log.info("token of ring " + lost.ring() + " lost in " + stateBefore + " (none for " + tokenTimeoutMs
                + " ms), forming a new ring");
        notifyListeners(l -> l.onTokenLost(lost));
    }

    /** @param logged whether the transition was logged already (the network report logs its own) */
    void transition(Effect.Transition transition, boolean logged) {
        if (!logged && TotemProcessor.HOLD_OFF_MACHINE.equals(transition.machine())) {
            log.warning("membership: " + transition.reason()); // the ring shuts a live node out: a link to look at
        } else if (!logged) {
            log.debug(transition.machine() + " " + transition.from() + " -> " + transition.to() + ": "
                    + transition.reason());
        }
        notifyListeners(l -> l.onTransition(transition));
    }

    private void notifyListeners(ListenerCall call) {
        for (NodeListener listener : listeners) {
            try {
                call.call(listener);
            } catch (RuntimeException e) {
                counters.increment(Stat.LISTENER_ERRORS);
                long left = listenerErrorLimiter.admit(System.nanoTime());
                if (left >= 0) {
                    log.error("listener " + listener + " threw; the node keeps running"
                            + (left > 0 ? " (" + left + " more not logged)" : ""), e);
                }
            }
        }
    }
}
