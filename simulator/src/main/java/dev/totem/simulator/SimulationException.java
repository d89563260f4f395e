package dev.totem.simulator;

/**
 * An engine, listener or scheduled action failed while the simulation processed an event. The
 * message names the seed, the virtual time, the node and the event, which is what a replay needs.
 */
public class SimulationException extends RuntimeException {
    /** Wraps {@code cause}; {@code context} says where it happened. */
    public SimulationException(String context, Throwable cause) {
        super(context + ": " + cause, cause);
    }
}
