package dev.totem.simulator;

/** A change of a node's life state, as seen by {@link SimulationListener#onNodeEvent}. */
public enum NodeEvent {
    /** The node's first engine started. */
    START,
    /** The node crashed: its engine, timers and buffered frames are gone; its ring seq store stays. */
    CRASH,
    /** A new engine started on the node's ring seq store. */
    RESTART,
    /** The node stopped processing. */
    PAUSE,
    /** The node processes again, beginning with what it buffered while paused. */
    RESUME
}
