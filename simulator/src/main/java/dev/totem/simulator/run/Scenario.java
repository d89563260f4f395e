package dev.totem.simulator.run;

import dev.totem.rrp.RrpConfig;
import dev.totem.rrp.RrpMode;

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
 * @param networks simulated networks, 1..8; with more than one every engine runs under a redundant ring
 * @param rrpMode how the redundant ring uses the networks: {@link RrpMode#NONE} with one network,
 *     passive or active with more
 * @param layer what the workload talks to: the engine, or CPG processes (then {@code messages}
 *     counts workload steps: joins, leaves, exits and multicasts)
 * @param sealed every frame sealed (AES-256-GCM, a fixed key) by a crypto layer between the
 *     engine (or its redundant ring) and the network, as a node stacks them
 */
public record Scenario(int nodes, int messages, double lossProbability, double safeRatio, int minSizeBytes,
        int maxSizeBytes, FaultProfile faults, EngineKind engine, int tokenTimeoutMs, int networks, RrpMode rrpMode,
        Layer layer, boolean sealed) {

    /** A scenario whose frames go in the clear. */
    public Scenario(int nodes, int messages, double lossProbability, double safeRatio, int minSizeBytes,
            int maxSizeBytes, FaultProfile faults, EngineKind engine, int tokenTimeoutMs, int networks, RrpMode rrpMode,
            Layer layer) {
        this(nodes, messages, lossProbability, safeRatio, minSizeBytes, maxSizeBytes, faults, engine, tokenTimeoutMs,
                networks, rrpMode, layer, false);
    }

    /** A scenario whose workload talks to the engine. */
    public Scenario(int nodes, int messages, double lossProbability, double safeRatio, int minSizeBytes,
            int maxSizeBytes, FaultProfile faults, EngineKind engine, int tokenTimeoutMs, int networks, RrpMode rrpMode) {
        this(nodes, messages, lossProbability, safeRatio, minSizeBytes, maxSizeBytes, faults, engine, tokenTimeoutMs,
                networks, rrpMode, Layer.ENGINE);
    }

    /** A scenario on one network whose workload talks to {@code layer}. */
    public Scenario(int nodes, int messages, double lossProbability, double safeRatio, int minSizeBytes,
            int maxSizeBytes, FaultProfile faults, EngineKind engine, int tokenTimeoutMs, Layer layer) {
        this(nodes, messages, lossProbability, safeRatio, minSizeBytes, maxSizeBytes, faults, engine, tokenTimeoutMs, 1,
                RrpMode.NONE, layer);
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
        if (networks < 1 || networks > RrpConfig.MAX_NETWORKS) {
            throw new IllegalArgumentException("networks must be 1.." + RrpConfig.MAX_NETWORKS + ", got " + networks);
        }
        if (rrpMode == null) {
            throw new IllegalArgumentException("rrp mode is null");
        }
        if (networks > 1 && rrpMode == RrpMode.NONE) {
            throw new IllegalArgumentException(networks + " networks need rrp passive or active, not none");
        }
        if (networks == 1 && rrpMode != RrpMode.NONE) {
            throw new IllegalArgumentException("rrp " + rrpMode.name().toLowerCase() + " needs at least two networks");
        }
        if ((faults == FaultProfile.NETFAIL || faults == FaultProfile.NETFAIL_ONEWAY) && networks < 2) {
            throw new IllegalArgumentException("the " + faults.cliName() + " profile fails one network at a time: it needs"
                    + " at least two");
        }
        if (faults == FaultProfile.PARTIAL && nodes < 3) {
            throw new IllegalArgumentException("the partial profile fails two links: it needs at least three nodes");
        }
        if (layer == null) {
            throw new IllegalArgumentException("layer is required");
        }
        if (layer == Layer.CPG && engine != EngineKind.TOTEM) {
            throw new IllegalArgumentException("the CPG layer needs configuration changes: it runs on the totem engine");
        }
    }

    /** A scenario on one network, without a redundant ring. */
    public Scenario(int nodes, int messages, double lossProbability, double safeRatio, int minSizeBytes,
            int maxSizeBytes, FaultProfile faults, EngineKind engine, int tokenTimeoutMs) {
        this(nodes, messages, lossProbability, safeRatio, minSizeBytes, maxSizeBytes, faults, engine, tokenTimeoutMs, 1,
                RrpMode.NONE, Layer.ENGINE);
    }
}
