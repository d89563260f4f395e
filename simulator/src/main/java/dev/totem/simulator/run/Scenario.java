package dev.totem.simulator.run;

/**
 * Everything that defines a seed run except the seed.
 *
 * @param nodes node count (ids 1..nodes)
 * @param messages application messages submitted over the run, spread over the nodes
 * @param lossProbability base loss of every frame copy
 * @param safeRatio share of messages sent with the safe guarantee
 * @param minSizeBytes smallest payload (raised to fit the message id)
 * @param maxSizeBytes largest payload
 * @param faults the fault profile
 * @param engine the engine driven
 * @param tokenTimeoutMs the token timeout the other timeouts derive from; 0 for corosync's default for the node count
 * @param layer what the workload talks to: the engine, or CPG processes (then {@code messages}
 *     counts workload steps: joins, leaves, exits and multicasts)
 */
public record Scenario(int nodes, int messages, double lossProbability, double safeRatio, int minSizeBytes,
        int maxSizeBytes, FaultProfile faults, EngineKind engine, int tokenTimeoutMs, Layer layer) {

    /** A scenario whose workload talks to the engine. */
    public Scenario(int nodes, int messages, double lossProbability, double safeRatio, int minSizeBytes,
            int maxSizeBytes, FaultProfile faults, EngineKind engine, int tokenTimeoutMs) {
        this(nodes, messages, lossProbability, safeRatio, minSizeBytes, maxSizeBytes, faults, engine, tokenTimeoutMs,
                Layer.ENGINE);
    }

    public Scenario {
        if (nodes < 1 || nodes > 384) {
            throw new IllegalArgumentException("nodes must be 1..384, got " + nodes);
        }
        if (messages < 0) {
            throw new IllegalArgumentException("messages must not be negative, got " + messages);
        }
        if (lossProbability < 0 || lossProbability >= 1) {
            throw new IllegalArgumentException("loss must be in [0, 1), got " + lossProbability);
        }
        if (safeRatio < 0 || safeRatio > 1) {
            throw new IllegalArgumentException("safe ratio must be in [0, 1], got " + safeRatio);
        }
        if (minSizeBytes < 1 || maxSizeBytes < minSizeBytes || maxSizeBytes > (1 << 20)) {
            throw new IllegalArgumentException("sizes must satisfy 1 <= min <= max <= 1048576, got " + minSizeBytes
                    + ".." + maxSizeBytes);
        }
        if (engine == EngineKind.SRP && faults != FaultProfile.NONE) {
            throw new IllegalArgumentException("the fixed-ring SRP engine has no membership: faults need the totem engine");
        }
        if (layer == null) {
            throw new IllegalArgumentException("layer is required");
        }
        if (layer == Layer.CPG && engine != EngineKind.TOTEM) {
            throw new IllegalArgumentException("the CPG layer needs configuration changes: it runs on the totem engine");
        }
    }
}
