package dev.totem.simulator.run;

import dev.totem.protocol.api.TotemConfig;
import dev.totem.simulator.EngineFactory;
import dev.totem.simulator.Simulation;
import dev.totem.simulator.check.Violation;
import java.util.List;

/**
 * A workload of processes above the engines of a seed run, with its own checks: the CPG layer
 * ({@code dev.totem.simulator.cpg.CpgLayer}), or an application built on it (the lock service
 * of module {@code locks}). {@link SeedRunner} builds the nodes through it, schedules its steps
 * inside the fault phase, waits for it to converge after the faults, lets it send its late
 * traffic, waits for that to be delivered, then adds its violations to the EVS checker's.
 */
public interface ProcessLayer {
    /** The processor configuration of {@code totemConfig} raised to carry the layer's messages. */
    TotemConfig carrying(TotemConfig totemConfig);

    /**
     * Builds each node over the engine {@code below} builds: a processor of {@link #carrying}
     * (or a broken one, to test the checkers), alone or under its redundant ring, as a node
     * runs its services over its redundant ring.
     */
    EngineFactory factory(EngineFactory below);

    /** Joins the simulation built with {@link #factory}: listens to it and takes its random streams. */
    void attach(Simulation simulation);

    /** Schedules {@code steps} workload steps at random times in the first three quarters of the phase. */
    void scheduleWorkload(int steps, long phaseNanos, int[] ids);

    /** Whether the layer's state settled on every live node after the faults (the ring already did). */
    boolean converged(int[] live);

    /** From now on no fault happens: the traffic whose delivery shows the layer is live again. */
    void sendLateMessages(int[] live);

    /**
     * Whether the late traffic arrived everywhere it should. The runner asks before the simulation
     * has run anything {@link #sendLateMessages} scheduled, so traffic not yet sent must count as
     * not arrived: a layer that only looks at what it has seen answers yes at once, and the run
     * ends without its liveness check having anything to check.
     */
    boolean lateMessagesDelivered(int[] live);

    /** Messages the layer's processes delivered, over all of them (for the run's summary). */
    long delivered();

    /** The layer's properties over the run. */
    List<Violation> check();
}
