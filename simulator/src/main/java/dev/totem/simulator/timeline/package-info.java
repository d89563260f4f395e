/**
 * The timeline page: a JSON Lines trace drawn as one self-contained HTML space-time diagram
 * ({@link dev.totem.simulator.timeline.TimelinePage}), and the small trace reader it uses
 * ({@link dev.totem.simulator.timeline.TraceLines}). Reads the format of
 * {@code simulator/README.md} only, so it draws simulated and real histories alike.
 */
package dev.totem.simulator.timeline;
