/**
 * The JSON Lines trace of a history, simulated or real: {@link dev.totem.simulator.trace.TraceWriter}
 * formats events, {@link dev.totem.simulator.trace.TraceSink} takes the lines and
 * {@link dev.totem.simulator.trace.TraceHash} fingerprints them; {@link
 * dev.totem.simulator.trace.TraceLines} reads them back as {@link
 * dev.totem.simulator.trace.TraceEvent}s, the one reader of the format. Free of simulator types,
 * so a node runtime can write the same format.
 */
package dev.totem.simulator.trace;
