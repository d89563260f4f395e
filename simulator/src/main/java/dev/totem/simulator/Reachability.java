package dev.totem.simulator;

import java.util.Arrays;

/**
 * Which node can reach which on one network: symmetric partitions given as groups of node ids,
 * plus directed blocks (frames from A to B are dropped while B to A still flow). A node always
 * reaches itself (multicast loopback does not cross the wire).
 */
final class Reachability {
    private int[] listedIds = new int[0];
    private int[] groupOfListed = new int[0];
    private long[] blockedPairs = new long[0];

    /**
     * Splits the network into {@code groups}: nodes reach only nodes of their own group. A node
     * in no group reaches nobody else. Replaces the previous partition; directed blocks stay.
     */
    void partition(int[][] groups) {
        int total = 0;
        for (int[] group : groups) {
            total += group.length;
        }
        long[] idAndGroup = new long[total];
        int next = 0;
        for (int g = 0; g < groups.length; g++) {
            for (int id : groups[g]) {
                idAndGroup[next++] = ((long) id << 32) | g;
            }
        }
        Arrays.sort(idAndGroup);
        listedIds = new int[total];
        groupOfListed = new int[total];
        for (int i = 0; i < total; i++) {
            listedIds[i] = (int) (idAndGroup[i] >>> 32);
            groupOfListed[i] = (int) idAndGroup[i];
            if (i > 0 && listedIds[i] == listedIds[i - 1]) {
                throw new IllegalArgumentException("node " + listedIds[i] + " is in two partition groups");
            }
        }
    }

    /** Drops frames from {@code fromId} to {@code toId} from now on. */
    void block(int fromId, int toId) {
        long pair = pair(fromId, toId);
        if (Arrays.binarySearch(blockedPairs, pair) < 0) {
            long[] grown = Arrays.copyOf(blockedPairs, blockedPairs.length + 1);
            grown[grown.length - 1] = pair;
            Arrays.sort(grown);
            blockedPairs = grown;
        }
    }

    /** Lifts every partition and block. */
    void heal() {
        listedIds = new int[0];
        groupOfListed = new int[0];
        blockedPairs = new long[0];
    }

    /** Whether a frame from {@code fromId} reaches {@code toId}. */
    boolean canReach(int fromId, int toId) {
        if (fromId == toId) {
            return true;
        }
        if (listedIds.length > 0 && groupOf(fromId) != groupOf(toId)) {
            return false;
        }
        return blockedPairs.length == 0 || Arrays.binarySearch(blockedPairs, pair(fromId, toId)) < 0;
    }

    // Node ids are positive, so an unlisted node's negated id is a group of its own.
    private long groupOf(int nodeId) {
        int at = Arrays.binarySearch(listedIds, nodeId);
        return at >= 0 ? groupOfListed[at] : -(long) nodeId;
    }

    private static long pair(int fromId, int toId) {
        return ((long) fromId << 32) | (toId & 0xffffffffL);
    }
}
