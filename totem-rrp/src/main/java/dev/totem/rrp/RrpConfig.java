package dev.totem.rrp;

import dev.totem.protocol.api.TotemConfig;

/**
 * The tunables of a {@link RedundantRing}. Thresholds keep corosync 2's names and values; the
 * timings are shorter than corosync's because a network must be judged faulty well before the
 * Totem processor's own timeouts (token retransmit, failed-to-receive, token loss) react to
 * the frames it loses.
 *
 * @param mode how the networks are used
 * @param networks number of networks, 1..{@link #MAX_NETWORKS}
 * @param tokenWaitNanos active mode: how long a token waits for its copies on the other working
 *     networks before it is handed on and the missing networks get a problem count
 *     ({@code rrp_token_expired_timeout})
 * @param tokenResendNanos a token that has not come back around after this long is sent again on
 *     another working network (passive) or on every working network (active); much shorter than
 *     the processor's token retransmit, which would otherwise pay for every token a bad network
 *     eats. Copies are harmless: a receiver drops a token whose token seq it has seen.
 * @param idleTokenResendNanos the same for an idle ring's token, which the representative holds
 *     for {@code hold} before it goes around: at least {@code tokenResendNanos}
 * @param idleTokens a token sent after this many in a row with its seq, all delivered (aru = seq),
 *     is an idle ring's, resent after {@code idleTokenResendNanos}: the processor's
 *     {@code seqno_unchanged_const}, the rotations after which the representative holds the token
 * @param probeIntervalNanos every node multicasts a probe on every network this often, faulty or not
 * @param silenceNanos a network is faulty when a node was heard on another network within this
 *     time but not on this one
 * @param recoveryNanos a faulty network is re-enabled once every node heard lately was also heard
 *     on it, without a gap, for this long
 * @param tokenGapThreshold passive: a network is faulty when it received this many tokens fewer than
 *     the best network, plus one ({@code rrp_problem_count_threshold}, 10)
 * @param mcastGapThreshold passive: the same for multicast frames ({@code rrp_problem_count_mcast_threshold}, 100)
 * @param problemThreshold active: problem count at which a network is faulty ({@code rrp_problem_count_threshold}, 10)
 * @param problemDecrementNanos active: every problem count is lowered by one this often ({@code rrp_problem_count_timeout})
 * @param dedupEntriesPerSender active: recent frames remembered per sender to drop the copies
 */
public record RrpConfig(RrpMode mode, int networks, long tokenWaitNanos, long tokenResendNanos,
        long idleTokenResendNanos, int idleTokens, long probeIntervalNanos, long silenceNanos, long recoveryNanos,
        int tokenGapThreshold, int mcastGapThreshold, int problemThreshold, long problemDecrementNanos,
        int dedupEntriesPerSender) {

    /** Most networks: corosync 3's knet links (8); the probe's mask of working networks is one byte. */
    public static final int MAX_NETWORKS = 8;

    /** Passive counters start a new window when the best network's count reaches this many thresholds. */
    static final int GAP_WINDOW_THRESHOLDS = 20;

    /**
     * Passive counters also start a new window when the current one is this old: on an idle ring
     * 200 tokens take minutes, and the losses of a fault long over then tipped a sound network
     * into faulty with one more ordinary loss.
     */
    public static final long GAP_WINDOW_NANOS = 5_000_000_000L;

    /** Validates every field. */
    public RrpConfig {
        if (mode == null) {
            throw new IllegalArgumentException("mode is null");
        }
        if (networks < 1 || networks > MAX_NETWORKS) {
            throw new IllegalArgumentException("networks must be 1.." + MAX_NETWORKS + ", got " + networks);
        }
        if (mode != RrpMode.NONE && networks < 2) {
            throw new IllegalArgumentException(mode.name().toLowerCase() + " mode needs at least two networks");
        }
        positive("tokenWaitNanos", tokenWaitNanos);
        positive("tokenResendNanos", tokenResendNanos);
        if (idleTokenResendNanos < tokenResendNanos) {
            throw new IllegalArgumentException("idleTokenResendNanos must be at least tokenResendNanos, got "
                    + idleTokenResendNanos + " < " + tokenResendNanos);
        }
        positive("idleTokens", idleTokens);
        positive("probeIntervalNanos", probeIntervalNanos);
        if (silenceNanos < 2 * probeIntervalNanos) {
            throw new IllegalArgumentException("silenceNanos must cover at least two probe intervals, got "
                    + silenceNanos + " for a probe interval of " + probeIntervalNanos);
        }
        positive("recoveryNanos", recoveryNanos);
        positive("tokenGapThreshold", tokenGapThreshold);
        positive("mcastGapThreshold", mcastGapThreshold);
        positive("problemThreshold", problemThreshold);
        positive("problemDecrementNanos", problemDecrementNanos);
        if (dedupEntriesPerSender < 1 || dedupEntriesPerSender > 4096) {
            throw new IllegalArgumentException("dedupEntriesPerSender must be 1..4096, got " + dedupEntriesPerSender);
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /**
     * The defaults for {@code mode} over {@code networks} networks under a processor configured
     * with {@code totem}: token wait 10 ms and token resend 50 ms (each at most a quarter and a
     * half of token_retransmit), an idle ring's token (after seqno_unchanged_const tokens with one
     * seq) resent after {@code hold} and 50 ms (at most token_retransmit), probes every 100 ms,
     * silence after 550 ms (five probe rounds: three lost in a row at 1% loss faulted a sound
     * network once an hour or so), recovery after 1 s, corosync's thresholds (10 tokens, 100
     * multicasts, 10 problems, decremented every 2 s).
     */
    public static RrpConfig defaults(RrpMode mode, int networks, TotemConfig totem) {
        long retransmit = totem.tokenRetransmitNanos();
        long resend = Math.max(1, Math.min(50_000_000L, retransmit / 2));
        long idleResend = Math.max(resend, Math.min(retransmit, totem.holdMs() * 1_000_000L + resend));
        return new RrpConfig(mode, networks, Math.max(1, Math.min(10_000_000L, retransmit / 4)), resend, idleResend,
                totem.seqnoUnchangedConst(), 100_000_000L, 550_000_000L, 1_000_000_000L, 10, 100, 10, 2_000_000_000L, 256);
    }

    /**
     * This config with the token timings that {@link #defaults} derives from the processor's
     * (token wait, resends, idle tokens), derived from {@code totem} instead: a reload of the
     * processor's tunables ({@code TotemEngine.reloadTunables}). The rest stays.
     */
    public RrpConfig withTokenTimingsOf(TotemConfig totem) {
        RrpConfig derived = defaults(mode, networks, totem);
        return new RrpConfig(mode, networks, derived.tokenWaitNanos, derived.tokenResendNanos,
                derived.idleTokenResendNanos, derived.idleTokens, probeIntervalNanos, silenceNanos, recoveryNanos,
                tokenGapThreshold, mcastGapThreshold, problemThreshold, problemDecrementNanos, dedupEntriesPerSender);
    }
}
