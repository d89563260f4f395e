package dev.totem.simulator;

import dev.totem.protocol.api.RingSeqStore;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import java.util.Arrays;

/** One simulated node: its store (which survives crashes), its current engine and its timers. */
final class SimNode {
    final int nodeId;
    final int index;
    final RingSeqStore ringSeqStore = RingSeqStore.inMemory();
    /** Queue slot of the armed timer of each kind, or -1. */
    final int[] armedTimerSlots = new int[TimerKind.values().length];
    private final int socketBufferPackets;
    private PausedBacklog backlog;

    TotemEngine engine;
    NodeState state = NodeState.DOWN;
    /** When the current (or last) pause began. */
    long pausedAtNanos;
    /** Engines built so far; the next one's random stream is numbered by it. */
    int incarnations;

    SimNode(int nodeId, int index, int socketBufferPackets) {
        this.nodeId = nodeId;
        this.index = index;
        this.socketBufferPackets = socketBufferPackets;
        Arrays.fill(armedTimerSlots, -1);
    }

    /** The backlog, created at the first pause so that nodes never paused cost nothing. */
    PausedBacklog backlog() {
        if (backlog == null) {
            backlog = new PausedBacklog(socketBufferPackets);
        }
        return backlog;
    }

    /** The backlog if the node was ever paused, else null. */
    PausedBacklog backlogOrNull() {
        return backlog;
    }

    @Override
    public String toString() {
        return "node " + nodeId + " (" + state + ")";
    }
}
