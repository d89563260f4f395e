/**
 * Deterministic discrete-event simulation of Totem engines: {@link dev.totem.simulator.Simulation}
 * drives many {@link dev.totem.protocol.api.TotemEngine}s on a virtual clock over simulated
 * networks with seeded faults. The module README describes the semantics and the trace format.
 */
package dev.totem.simulator;
