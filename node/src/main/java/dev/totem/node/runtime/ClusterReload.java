package dev.totem.node.runtime;

import dev.totem.protocol.api.ByteSlice;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.SubmitStatus;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A configuration reload of every node in the ring, as {@code corosync-cfgtool -R} asks through
 * corosync's cfg service: the node an operator asked reloads its own file, then sends the cfg
 * service's reload request (service 1, after corosync's numbering) in the total order, and each
 * other node that delivers it reloads its own file. It needs the CPG service, which marks every
 * message on the ring with its service's number ({@code CpgEngine.submitService}); a node without
 * it cannot tell the request from an application's message. Event loop only.
 */
final class ClusterReload {
    /** corosync's service number for cfg: the first byte of the request. */
    static final int SERVICE_CFG = 1;
    static final int VERSION = 1;
    static final int RELOAD = 1;

    private final int nodeId;
    private final NodeLog log;
    private final NodeCounters counters;
    /** This node's reload ({@link ConfigReloader}): one answer line. */
    private final Supplier<String> reloadHere;
    private final Executor loop;
    private final NodeLog.Limiter unknownLimiter = new NodeLog.Limiter();

    ClusterReload(int nodeId, NodeLog log, NodeCounters counters, Supplier<String> reloadHere, Executor loop) {
        this.nodeId = nodeId;
        this.log = log;
        this.counters = counters;
        this.reloadHere = reloadHere;
        this.loop = loop;
    }

    /** The request's bytes on the ring. */
    static byte[] request() {
        return new byte[] {SERVICE_CFG, VERSION, RELOAD};
    }

    /**
     * Reloads this node's file, then asks the other nodes of the ring to reload theirs.
     *
     * @param send sends the request in the total order, or null when the node runs no CPG service
     * @param members the ring's members now, to name the nodes asked
     * @return one line, starting with "error" when this node changed nothing or the others were not asked
     */
    String reloadEverywhere(Function<byte[], SubmitStatus> send, int[] members) {
        if (send == null) {
            return "error a cluster-wide reload needs the CPG service (./totem node runs it), whose ring marks each "
                    + "message with its service; reload each node instead; nothing changed";
        }
        String here = reloadHere.get();
        if (here.startsWith("error")) {
            return here + "; the other nodes were not asked";
        }
        SubmitStatus status = send.apply(request());
        if (status != SubmitStatus.ACCEPTED) {
            return "error this node reloaded (" + here.substring("ok ".length()) + ") but the ring did not take the request"
                    + " to the others (" + status + "): reload again, or each node";
        }
        String others = Arrays.stream(members).filter(id -> id != nodeId).sorted().mapToObj(String::valueOf)
                .collect(Collectors.joining(" "));
        log.info("asked every node in the ring to reload its configuration file");
        return here + "; asked " + (others.isEmpty() ? "the ring (no other node in it now)" : "nodes " + others)
                + " to reload theirs";
    }

    /**
     * A message of a service other than CPG delivered in the total order, within an effects
     * batch: a reload request from another node runs as a loop task of its own (a reload may give
     * the engine an input, which must not run inside another's batch); anything else is counted
     * and dropped.
     */
    void delivered(Effect.Deliver deliver) {
        if (isRequest(deliver.payloadSlice())) {
            int asker = deliver.sender();
            if (asker != nodeId) { // the asking node reloaded before it asked
                loop.execute(() -> reloadAskedBy(asker));
            }
            return;
        }
        counters.increment(NodeCounters.Stat.SERVICE_MESSAGES_UNKNOWN);
        long left = unknownLimiter.admit(System.nanoTime());
        if (left >= 0) {
            log.warning("dropped a message of service " + firstByte(deliver.payloadSlice()) + " from node " + deliver.sender()
                    + ", which this node does not run (a newer version's?)" + (left > 0 ? " (" + left + " more not logged)" : ""));
        }
    }

    /** The reload logs what it applied, or why it failed. */
    private void reloadAskedBy(int asker) {
        log.info("node " + asker + " asks every node to reload its configuration file");
        reloadHere.get();
    }

    static boolean isRequest(ByteSlice m) {
        return m.length() == 3 && m.array()[m.offset()] == SERVICE_CFG && m.array()[m.offset() + 1] == VERSION
                && m.array()[m.offset() + 2] == RELOAD;
    }

    private static int firstByte(ByteSlice m) {
        return m.length() == 0 ? -1 : m.array()[m.offset()] & 0xFF;
    }
}
