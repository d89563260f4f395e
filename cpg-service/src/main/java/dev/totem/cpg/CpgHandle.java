package dev.totem.cpg;

import dev.totem.protocol.api.Guarantee;
import java.util.List;
import java.util.SortedMap;

/**
 * One local process's connection to its node's CPG service, used inside the node's JVM
 * ({@link EmbeddedCpg}); the IPC client will offer the same operations to other processes.
 * Every operation answers at once; {@link CpgError#TRY_AGAIN} asks to retry later. After
 * {@link #close()} every operation answers {@link CpgError#BAD_HANDLE}.
 */
public interface CpgHandle extends AutoCloseable {
    /** The process this handle speaks for. */
    ClientId clientId();

    /** Joins {@code group} (cpg_join); the confchg that lists this process as joined follows. */
    CpgResult join(String group);

    /** Leaves {@code group} (cpg_leave); the confchg that lists this process as left follows. */
    CpgResult leave(String group);

    /** Multicasts {@code payload} to {@code group}, which this process is in (cpg_mcast_joined). */
    CpgResult mcast(String group, byte[] payload, Guarantee guarantee);

    /** The members of {@code group} as this node knows them (cpg_membership_get). */
    List<CpgAddress> membership(String group);

    /**
     * Every group this node knows with at least one member, by name, with its members as {@link
     * #membership} gives them (corosync's cpg_iteration over all groups, as corosync-cpgtool lists them).
     */
    SortedMap<String, List<CpgAddress>> groups();

    /** This node's id (cpg_local_get). */
    int localNodeId();

    /** Where this process stands in {@code group}. */
    ConnectionState state(String group);

    /** Whether the handle is closed (by {@link #close()} or because the service disconnected it). */
    boolean closed();

    /** Closes the handle (cpg_finalize): the process leaves its groups with reason PROCDOWN. */
    @Override
    void close();
}
