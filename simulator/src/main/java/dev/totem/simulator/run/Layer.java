package dev.totem.simulator.run;

/** What the workload of a seed run talks to. */
public enum Layer {
    /** Application messages submitted to the engine itself. */
    ENGINE,
    /** Processes in closed process groups, through the CPG service on each node. */
    CPG;

    /** Parses the CLI spelling (engine, cpg). */
    public static Layer parse(String s) {
        for (Layer l : values()) {
            if (l.name().equalsIgnoreCase(s.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown layer '" + s + "'; expected engine or cpg");
    }
}
