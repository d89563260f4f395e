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
 * A reload of every node in the ring, as {@code corosync-cfgtool -R} asks through corosync's cfg
 * service: the node an operator asked reloads its own file (the configuration, or the key), then
 * sends the cfg service's request (service 1, after corosync's numbering) in the total order, and
 * each other node that delivers it reloads its own. It needs the CPG service, which marks every
 * message on the ring with its service's number ({@code CpgEngine.submitService}); a node
 * without it cannot tell the request from an application's message. Event loop only.
 */
final class ClusterReload {
    /** corosync's service number for cfg: the first byte of a request. */
    static final int SERVICE_CFG = 1;
    static final int VERSION = 1;

    /** What a request has every node reload; its byte is the request's third. */
    enum What {
        CONFIG(1, "configuration file"),
        KEY(2, "key file");

        final byte code;
        final String file;

        What(int code, String file) {
            this.code = (byte) code;
            this.file = file;
        }
    }

    private final int nodeId;
    private final NodeLog log;
    private final NodeCounters counters;
    /** This node's reload of each file: one answer line, starting with "error" when nothing changed for a fault. */
    private final Function<What, String> reloadHere;
    private final Executor loop;
    private final NodeLog.Limiter unknownLimiter = new NodeLog.Limiter();

    ClusterReload(int nodeId, NodeLog log, NodeCounters counters, Function<What, String> reloadHere, Executor loop) {
        this.nodeId = nodeId;
        this.log = log;
        this.counters = counters;
        this.reloadHere = reloadHere;
        this.loop = loop;
    }

    /** A request's bytes on the ring. */
    static byte[] request(What what) {
        return new byte[] {SERVICE_CFG, VERSION, what.code};
    }

    /**
     * Reloads this node's file, then asks the other nodes of the ring to reload theirs.
     *
     * @param send sends the request in the total order, or null when the node runs no CPG service
     * @param members the ring's members now, to name the nodes asked
     * @return one line, starting with "error" when this node changed nothing or the others were not asked
     */
    String reloadEverywhere(What what, Function<byte[], SubmitStatus> send, int[] members) {
        if (send == null) {
            return "error a cluster-wide reload needs the CPG service (./totem node runs it), whose ring marks each "
                    + "message with its service; reload each node instead; nothing changed";
        }
        String here = reloadHere.apply(what);
        if (here.startsWith("error")) {
            return here + "; the other nodes were not asked";
        }
        SubmitStatus status = send.apply(request(what));
        if (status != SubmitStatus.ACCEPTED) {
            return "error this node reloaded (" + here.replaceFirst("^ok ", "") + ") but the ring did not take the request"
                    + " to the others (" + status + "): reload again, or each node";
        }
        String others = Arrays.stream(members).filter(id -> id != nodeId).sorted().mapToObj(String::valueOf)
                .collect(Collectors.joining(" "));
        log.info("asked every node in the ring to reload its " + what.file);
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
        What what = request(deliver.payloadSlice());
        if (what != null) {
            int asker = deliver.sender();
            if (asker != nodeId) { // the asking node reloaded before it asked
                loop.execute(() -> reloadAskedBy(asker, what));
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

    /** The configuration's reload logs what it applied or why it failed; the key's is logged here when it fails. */
    private void reloadAskedBy(int asker, What what) {
        log.info("node " + asker + " asks every node to reload its " + what.file);
        String answer = reloadHere.apply(what);
        if (what == What.KEY && answer.startsWith("error")) {
            log.warning("key reload asked by node " + asker + " failed: " + answer.substring("error ".length()));
        }
    }

    /** The file a request names, or null when {@code m} is no request this version knows. */
    static What request(ByteSlice m) {
        if (m.length() != 3 || m.array()[m.offset()] != SERVICE_CFG || m.array()[m.offset() + 1] != VERSION) {
            return null;
        }
        byte code = m.array()[m.offset() + 2];
        for (What w : What.values()) {
            if (w.code == code) {
                return w;
            }
        }
        return null;
    }

    private static int firstByte(ByteSlice m) {
        return m.length() == 0 ? -1 : m.array()[m.offset()] & 0xFF;
    }
}
