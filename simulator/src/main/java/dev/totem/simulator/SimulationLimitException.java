package dev.totem.simulator;

/**
 * A simulation hit one of its configured limits (queued events, events per run, buffer sizes).
 * Usually a runaway engine or workload; the message names the limit and how to raise it.
 */
public class SimulationLimitException extends IllegalStateException {
    /** A limit was hit; {@code message} names it. */
    public SimulationLimitException(String message) {
        super(message);
    }
}
