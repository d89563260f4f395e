package dev.totem.jepsen;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The faults a run's nemesis injects, named as on the command line. */
public enum FaultKind {
    /** SIGKILL a node's process, restart it a few seconds later on its state directory. */
    KILL,
    /** SIGSTOP a node's process for longer than the token timeout, then SIGCONT. */
    PAUSE,
    /** Split the nodes: majority/minority, one node alone, or one direction blocked. */
    PARTITION,
    /** Every node drops a share of its incoming frames. */
    LOSS,
    /**
     * One network fails while the others work (runs with {@code --networks 2} or more): cut for
     * every node, cut for one node's receiving side, or degraded by 5 to 30% loss.
     */
    NETFAIL,
    /**
     * With the CPG layer: SIGSTOP one node's client process, so it stops reading its socket while
     * its node goes on sending it events, then SIGCONT; it must catch up and lose nothing.
     */
    STALL,
    /**
     * Block frames from one node to another, one way, for 20 to 40 s: long enough for the merge
     * hold-off's holds to grow, so the ring must stay put without the shut-out node and take it
     * back once the link heals.
     */
    ONEWAY,
    /**
     * Partial connectivity: two links fail, each one way or both ways, for 20 to 40 s, then heal
     * together. No ring can hold every node (some pair cannot hear each other); the ring must
     * settle without end-to-end re-forming and take everyone back once the links heal.
     */
    PARTIAL;

    private static final String KNOWN = "kill, pause, partition, loss, netfail, stall, oneway, partial";

    /** The command-line name. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code kill,pause,partition,loss,netfail,stall,oneway,partial}.
     *
     * @throws IllegalArgumentException naming the unknown fault and the known ones
     */
    public static Set<FaultKind> parseList(String list) {
        EnumSet<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (String word : list.split(",")) {
            String w = word.strip().toLowerCase(Locale.ROOT);
            if (w.isEmpty()) {
                continue;
            }
            try {
                kinds.add(FaultKind.valueOf(w.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown fault '" + word.strip() + "'; known: " + KNOWN);
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("--faults lists no fault; known: " + KNOWN);
        }
        return kinds;
    }
}
