package dev.totem.rrp;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the ring knows of one node: when it was heard on each network, what it sends on, its recent frames. */
final class Peer {
    private static final long NEVER = Long.MIN_VALUE / 4;

    final int id;
    final long[] lastHeard;
    final long firstHeardNanos;
    /** The networks it sends on (or left only following a peer), from its latest probe; all until its first probe. */
    int announcedMask;
    /**
     * Passive: the networks its frames came on since its latest probe. It sends on them, whatever
     * a probe said before: a probe lost right after it re-enabled a network left that network
     * credited as unused, and the other one fell behind by a token per two.
     */
    int seenMask;
    long lastProbeSeq = -1;
    /** Active mode: recent frames and the networks each came on, oldest first, bounded. */
    final Map<Fingerprint, Integer> recent;

    Peer(int id, int networks, int allMask, int recentMax, long firstHeardNanos) {
        this.id = id;
        this.lastHeard = new long[networks];
        Arrays.fill(lastHeard, NEVER);
        this.firstHeardNanos = firstHeardNanos;
        this.announcedMask = allMask;
        this.recent = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Fingerprint, Integer> eldest) {
                return size() > recentMax;
            }
        };
    }
}
