package dev.totem.simulator;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;

/**
 * Sees what happens in a simulation, in the order it happens: what each node's engine delivers
 * and reports, what the application submitted, and every fault. Checkers and workload
 * generators implement it; every method does nothing by default.
 *
 * <p>Called on the simulation's thread while an event is processed. A listener may schedule
 * more events (submits, faults, callbacks) but must not run the simulation. Effect objects and
 * byte arrays belong to the engine and may be reused after the call: copy what you keep.
 */
public interface SimulationListener {

    /** A node started, crashed, restarted, paused or resumed. */
    default void onNodeEvent(long timeNanos, int nodeId, NodeEvent event) {}

    /**
     * The application submitted {@code payload}; {@code status} is the engine's answer, or
     * {@link SubmitStatus#NOT_READY} when the node was down or paused.
     */
    default void onSubmit(long timeNanos, int nodeId, byte[] payload, Guarantee guarantee, SubmitStatus status) {}

    /** The node's engine delivered an application message. */
    default void onDeliver(long timeNanos, int nodeId, Effect.Deliver deliver) {}

    /** The node's engine delivered a configuration change. */
    default void onConfigurationChange(long timeNanos, int nodeId, Effect.ConfigurationChange change) {}

    /** The node's engine reported a lost token. */
    default void onTokenLost(long timeNanos, int nodeId, Effect.TokenLost tokenLost) {}

    /** One of the node's state machines changed state. */
    default void onTransition(long timeNanos, int nodeId, Effect.Transition transition) {}

    /** The networks were partitioned into {@code groups} (node ids, each group ascending). */
    default void onPartition(long timeNanos, int[][] groups) {}

    /** Frames from {@code fromNodeId} to {@code toNodeId} are dropped from now on. */
    default void onBlock(long timeNanos, int fromNodeId, int toNodeId) {}

    /** Every partition and block was lifted. */
    default void onHeal(long timeNanos) {}

    /** Network {@code network} alone was partitioned into {@code groups}. */
    default void onNetworkPartition(long timeNanos, int network, int[][] groups) {}

    /** Every partition and block of network {@code network} was lifted. */
    default void onNetworkHeal(long timeNanos, int network) {}

    /**
     * Node {@code nodeId} hears nothing on network {@code network} from now on, while the others
     * still hear it there: a one-way fault (a receive path broken, or a firewall dropping what comes
     * in), lifted by {@link #onNetworkHeal}.
     */
    default void onNetworkDeaf(long timeNanos, int network, int nodeId) {}

    /** Frame copies on network {@code network} are lost with {@code probability} from now on. */
    default void onNetworkLoss(long timeNanos, int network, double probability) {}
}
