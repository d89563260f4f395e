package dev.totem.simulator;

/** Life state of a simulated node. */
public enum NodeState {
    /** Not started yet, or crashed: no engine, no timers; frames to it are dropped. */
    DOWN,
    /** Running: processes frames, timers and submits. */
    UP,
    /** Stopped in place (as by SIGSTOP): frames are buffered and timers held until it resumes. */
    PAUSED
}
