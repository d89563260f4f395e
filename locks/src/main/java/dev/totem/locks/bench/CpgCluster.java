package dev.totem.locks.bench;

import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import java.util.function.Consumer;

/**
 * Where the replicated benchmark runs its lock services: nodes whose local processes open CPG
 * handles. {@link LoopbackCpgCluster} is one; the node runtime with CPG (embedded or over IPC)
 * plugs in here when it comes.
 */
public interface CpgCluster extends AutoCloseable {
    /** Opens a handle for process {@code pid} of a node, with {@code listener} as its callbacks. */
    @FunctionalInterface
    interface Opener {
        CpgHandle open(int pid, CpgListener listener);
    }

    /** Node count; nodes are numbered 1..nodes(). */
    int nodes();

    /**
     * Runs {@code task} on the thread that runs node {@code node}'s handle callbacks (handles
     * must be used there); the task may open handles through the opener it gets.
     */
    void execute(int node, Consumer<Opener> task);

    /** Runs {@code tick} on that thread about every millisecond. */
    void ticker(int node, Runnable tick);

    /** The first failure of a node's thread, or null. */
    Throwable failure();

    @Override
    void close() throws Exception;
}
