package dev.totem.simulator;

import java.util.List;

/**
 * Configuration of a {@link Simulation}: its networks and its limits.
 *
 * @param networks the simulated networks, by index; engines send on network 0 today, the others
 *     are for redundant-ring work
 * @param socketBufferPackets frames a paused node buffers; later arrivals are dropped and counted
 * @param maxNodes most nodes a simulation holds
 * @param maxQueuedEvents most events queued at once (frames in flight, armed timers, scheduled actions)
 * @param maxEventsPerRun most events one {@link Simulation#runUntil} call processes
 */
public record SimConfig(List<NetworkConfig> networks, int socketBufferPackets, int maxNodes, int maxQueuedEvents,
        long maxEventsPerRun) {

    /** Validates every field and copies the network list. */
    public SimConfig {
        networks = List.copyOf(networks);
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("at least one network is needed");
        }
        requirePositive("socketBufferPackets", socketBufferPackets);
        requirePositive("maxNodes", maxNodes);
        requirePositive("maxQueuedEvents", maxQueuedEvents);
        requirePositive("maxEventsPerRun", maxEventsPerRun);
    }

    /**
     * One {@link NetworkConfig#defaults()} network, 1024 buffered frames per paused node, 1024
     * nodes, one million queued events and a hundred million events per run.
     */
    public static SimConfig defaults() {
        return new SimConfig(List.of(NetworkConfig.defaults()), 1_024, 1_024, 1_000_000, 100_000_000L);
    }

    /** This config with {@code value} as its only network. */
    public SimConfig withNetwork(NetworkConfig value) {
        return withNetworks(List.of(value));
    }

    /** This config with these networks. */
    public SimConfig withNetworks(List<NetworkConfig> value) {
        return new SimConfig(value, socketBufferPackets, maxNodes, maxQueuedEvents, maxEventsPerRun);
    }

    /** This config with another socket buffer size for paused nodes. */
    public SimConfig withSocketBufferPackets(int value) {
        return new SimConfig(networks, value, maxNodes, maxQueuedEvents, maxEventsPerRun);
    }

    /** This config with other limits on nodes, queued events and events per run. */
    public SimConfig withLimits(int nodes, int queuedEvents, long eventsPerRun) {
        return new SimConfig(networks, socketBufferPackets, nodes, queuedEvents, eventsPerRun);
    }

    private static void requirePositive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
