package dev.totem.simulator;

import dev.totem.protocol.api.Effect;
import java.util.SplittableRandom;

/**
 * One simulated network: turns each frame an engine sends into arrival events, one per
 * receiver, each with its own latency, loss and duplication draws, subject to the MTU and to
 * partitions. Reachability is checked when a frame is sent; frames already in flight arrive.
 */
final class SimNetwork {
    private final int networkIndex;
    private final NetworkConfig config;
    private final LatencyModel latency;
    private final SplittableRandom random;
    private final EventQueue queue;
    private final NodeTable nodes;
    private final Reachability reachability = new Reachability();
    private final NetworkStats stats = new NetworkStats();
    /** Starts as configured; fault plans raise and lower it during a run. */
    private double lossProbability;

    SimNetwork(int networkIndex, NetworkConfig config, SplittableRandom random, EventQueue queue, NodeTable nodes) {
        this.networkIndex = networkIndex;
        this.config = config;
        this.latency = config.latency();
        this.random = random;
        this.queue = queue;
        this.nodes = nodes;
        this.lossProbability = config.lossProbability();
    }

    void lossProbability(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("loss probability must be in [0, 1]: " + probability);
        }
        this.lossProbability = probability;
    }

    NetworkStats stats() {
        return stats;
    }

    Reachability reachability() {
        return reachability;
    }

    /**
     * Sends {@code frame} from node {@code fromId} to {@code destination} (a node id, or
     * {@link Effect#MULTICAST} for every node of the network, the sender included).
     */
    void send(long nowNanos, int fromId, int destination, byte[] frame) {
        stats.sent++;
        if (frame.length > config.mtuBytes()) {
            stats.droppedByMtu++;
            return;
        }
        if (destination == Effect.MULTICAST) {
            int count = nodes.count();
            for (int index = 0; index < count; index++) {
                transmit(nowNanos, fromId, nodes.at(index).nodeId, index, frame);
            }
            return;
        }
        int index = nodes.indexOf(destination);
        if (index < 0) {
            stats.droppedUnknownDestination++;
            return;
        }
        transmit(nowNanos, fromId, destination, index, frame);
    }

    private void transmit(long nowNanos, int fromId, int toId, int toIndex, byte[] frame) {
        // A node's own copy loops back inside its host: it never meets the wire's faults.
        if (fromId != toId) {
            if (!reachability.canReach(fromId, toId)) {
                stats.droppedByPartition++;
                return;
            }
            if (chance(lossProbability)) {
                stats.lost++;
                return;
            }
            if (chance(config.duplicateProbability())) {
                stats.duplicated++;
                scheduleArrival(nowNanos, toIndex, frame);
            }
        }
        scheduleArrival(nowNanos, toIndex, frame);
    }

    private void scheduleArrival(long nowNanos, int toIndex, byte[] frame) {
        long delayNanos = latency.sampleNanos(random);
        if (chance(config.extraDelayProbability())) {
            delayNanos += random.nextLong(config.extraDelayMaxNanos() + 1);
        }
        queue.add(nowNanos + delayNanos, EventKind.PACKET, toIndex, networkIndex, frame);
    }

    // No draw for a zero probability: cheaper, and a fault-free network's stream feeds only latency.
    private boolean chance(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }
}
