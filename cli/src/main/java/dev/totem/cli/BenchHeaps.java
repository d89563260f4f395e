package dev.totem.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The heap options of the JVMs {@code ./totem bench} starts. A node at full speed allocates 2-3
 * GB/s (frames it packs, frames it keeps, copies of submitted messages), nearly all of it dead
 * within a rotation or two; with the collector's own sizing (about 120 MB young in a 512 MB heap)
 * it collected every 45 ms and the collector threads took a tenth of all CPU at 8000 B. With a
 * young generation of 1 GB it collects every half second: embedded, in the clear, two alternating
 * pairs, 1600 B 947k / 913k msgs/s before against 1,079k / 1,155k, 8000 B 205k / 232k against
 * 242k / 253k (perf/HISTORY.md, session 21). The heap is fixed at start (-Xms), as JGroups' bench
 * runs its members, so that the young generation is never larger than the heap.
 *
 * <p>The heap's pages are touched at start ({@code -XX:+AlwaysPreTouch}) and the collector keeps
 * its generations' sizes ({@code -XX:-UseAdaptiveSizePolicy}). Without them, the collections that
 * first copied into untouched survivor pages, and those after the collector resized the young
 * generation 20-25 s in, took 40-200 ms, in all six JVMs of an ipc run at once (they allocate at
 * the same pace); a client that stopped reading for that long fell 64 MB behind and its node
 * disconnected it, in half of the ipc runs at 1600 B with crypto on. With both: ten runs of ten
 * passed, collections of 5-15 ms in the counted window (perf/HISTORY.md, session 23). The heap
 * is in transparent huge pages ({@code -XX:+UseTransparentHugePages}; where the kernel has none,
 * the JVM says so on stderr and goes on): a node writes each received frame into fresh heap, a
 * TLB miss every 4 KB otherwise; crypto on, alternating pairs, 1600 B embedded 690k against 718k
 * msgs/s (means of four), ipc 234k against 262k (of two).
 *
 * <p>Those heaps fill as the bench runs (a node's resident memory reached 1.2 GB), so they are
 * given only where the machine has twice their sum in memory; elsewhere the JVMs get the small
 * heaps the bench used before, and the run says so.
 *
 * @param node a node's options (embedded and cpg modes: the bench node; ipc mode: the daemon)
 * @param client an ipc client's options
 * @param large whether these are the large heaps
 */
record BenchHeaps(List<String> node, List<String> client, boolean large) {
    /** What every large heap gets besides its sizes: pages touched at start, fixed generations, huge pages. */
    static final List<String> LARGE_HEAP_PAGES = List.of("-XX:+AlwaysPreTouch", "-XX:-UseAdaptiveSizePolicy",
            "-XX:+UseTransparentHugePages");
    static final List<String> NODE_LARGE = large("-Xms2g", "-Xmx2g", "-Xmn1g");
    /** A client keeps an event per delivery until it is counted. */
    static final List<String> CLIENT_LARGE = large("-Xms1g", "-Xmx1g", "-Xmn768m");
    static final List<String> NODE_SMALL = List.of("-Xmx512m");
    static final List<String> CLIENT_SMALL = List.of("-Xmx256m");
    private static final long GIB = 1L << 30;

    private static List<String> large(String... sizes) {
        List<String> options = new ArrayList<>(List.of(sizes));
        options.addAll(LARGE_HEAP_PAGES);
        return List.copyOf(options);
    }

    /** The heaps for {@code nodes} nodes (and as many clients in ipc mode) on a machine with {@code ramBytes} of memory. */
    static BenchHeaps forMachine(long ramBytes, int nodes, boolean ipc) {
        return ramBytes >= memoryWantedBytes(nodes, ipc)
                ? new BenchHeaps(NODE_LARGE, CLIENT_LARGE, true)
                : new BenchHeaps(NODE_SMALL, CLIENT_SMALL, false);
    }

    /** Twice the sum of the large heaps: 2 GB per node, 1 GB per ipc client. */
    static long memoryWantedBytes(int nodes, boolean ipc) {
        return 2 * (nodes * 2 * GIB + (ipc ? nodes * GIB : 0));
    }

    /** What the run prints about its heaps. */
    String describe(int nodes, boolean ipc) {
        String heaps = "JVM heaps: nodes " + String.join(" ", node) + (ipc ? ", clients " + String.join(" ", client) : "");
        return large ? heaps : heaps + " (small: this machine has less than the " + memoryWantedBytes(nodes, ipc) / GIB
                + " GB of memory the large heaps want; expect lower figures, the collector runs more often)";
    }
}
