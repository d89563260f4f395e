package dev.totem.simulator;

import java.util.Arrays;

/** The nodes of a simulation by dense index (the order they were added) and by node id. */
final class NodeTable {
    private final int maxNodes;
    private final int socketBufferPackets;
    private SimNode[] nodes = new SimNode[8];
    private int count;
    // Node ids ascending, with the index of each, for the id lookups of unicast sends.
    private int[] sortedIds = new int[0];
    private int[] sortedIndexes = new int[0];

    NodeTable(int maxNodes, int socketBufferPackets) {
        this.maxNodes = maxNodes;
        this.socketBufferPackets = socketBufferPackets;
    }

    SimNode add(int nodeId) {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("node ids are positive: " + nodeId);
        }
        if (indexOf(nodeId) >= 0) {
            throw new IllegalArgumentException("node " + nodeId + " already exists");
        }
        if (count == maxNodes) {
            throw new SimulationLimitException("a simulation holds at most " + maxNodes + " nodes (SimConfig.maxNodes)");
        }
        SimNode node = new SimNode(nodeId, count, socketBufferPackets);
        if (count == nodes.length) {
            nodes = Arrays.copyOf(nodes, count * 2);
        }
        nodes[count++] = node;
        int at = -Arrays.binarySearch(sortedIds, nodeId) - 1;
        sortedIds = insert(sortedIds, at, nodeId);
        sortedIndexes = insert(sortedIndexes, at, node.index);
        return node;
    }

    int count() {
        return count;
    }

    SimNode at(int index) {
        return nodes[index];
    }

    /** The index of {@code nodeId}, or -1 when there is no such node. */
    int indexOf(int nodeId) {
        int at = Arrays.binarySearch(sortedIds, nodeId);
        return at >= 0 ? sortedIndexes[at] : -1;
    }

    SimNode byId(int nodeId) {
        int index = indexOf(nodeId);
        if (index < 0) {
            throw new IllegalArgumentException("no node " + nodeId);
        }
        return nodes[index];
    }

    /** Node ids ascending. */
    int[] ids() {
        return sortedIds.clone();
    }

    private static int[] insert(int[] values, int at, int value) {
        int[] result = new int[values.length + 1];
        System.arraycopy(values, 0, result, 0, at);
        result[at] = value;
        System.arraycopy(values, at, result, at + 1, values.length - at);
        return result;
    }
}
