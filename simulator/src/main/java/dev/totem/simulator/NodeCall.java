package dev.totem.simulator;

import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.TotemEngine;

/**
 * An application's call into a node's engine beyond submit, run by the simulation at its time
 * ({@link Simulation#call}); for example a CPG client joining a group through an engine that
 * carries the CPG service.
 */
@FunctionalInterface
public interface NodeCall {
    /**
     * Calls {@code engine}; returns the effects the call caused (the engine's batch, or an empty
     * one), which the simulation applies as it applies any engine batch.
     */
    Effects apply(TotemEngine engine, long nowNanos);
}
