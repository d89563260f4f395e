/**
 * The timeline page: a JSON Lines trace drawn as one self-contained HTML space-time diagram
 * ({@link dev.totem.simulator.timeline.TimelinePage}), read by {@link
 * dev.totem.simulator.trace.TraceLines}. Reads the format of {@code simulator/README.md} only, so
 * it draws simulated and real histories alike.
 */
package dev.totem.simulator.timeline;
