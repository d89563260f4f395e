package dev.totem.simulator.run;

/** Which engine a seed run drives. */
public enum EngineKind {
    /** The ordering engine alone on a fixed ring: no membership, every node a member throughout. */
    SRP,
    /** The full Totem processor: membership with Extended Virtual Synchrony over the ordering engine. */
    TOTEM
}
