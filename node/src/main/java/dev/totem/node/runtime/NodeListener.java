package dev.totem.node.runtime;

import dev.totem.protocol.api.Effect;

/**
 * What the application of a node sees: messages in the total order and configuration changes,
 * in one ordered stream (Extended Virtual Synchrony: a message is delivered in the configuration
 * announced before it).
 *
 * <p>Every method is called on the node's event loop thread, in the order the engine produced
 * the events. That thread also carries the network and the timers, so a listener must return
 * quickly: a slow listener delays the token and, past the token timeout, makes the others think
 * this node failed. Hand heavy work to another thread. A listener may call
 * {@link TotemNode#submit} (it is queued behind the current batch). An exception thrown by a
 * listener is logged and counted; it does not stop the node.
 */
public interface NodeListener {
    /**
     * One message, in agreed or safe order.
     *
     * @param deliver the sender, the payload (the listener may keep it), the guarantee and the
     *     configuration it is delivered in
     */
    void onDeliver(Effect.Deliver deliver);

    /**
     * A transitional or regular configuration was installed.
     *
     * @param change the kind, ring id, members, and who left and joined
     */
    void onConfigurationChange(Effect.ConfigurationChange change);

    /** The membership state machine changed state; for tests and diagnostics. */
    default void onTransition(Effect.Transition transition) {}

    /** The token was not seen for the token timeout; a new ring is being formed. */
    default void onTokenLost(Effect.TokenLost tokenLost) {}
}
