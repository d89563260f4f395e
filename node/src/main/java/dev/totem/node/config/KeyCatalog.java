package dev.totem.node.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which keys and sections each section of the file may hold: those we implement, and corosync's
 * that we know but do not implement (a warning with the reason, not an error, so a corosync file
 * still loads). Anything else is an error with the nearest known name as a suggestion.
 *
 * <p>Sections listed without a schema of their own ({@code quorum}, corosync's daemon sections)
 * are ignored as a whole: their content is not checked.
 */
final class KeyCatalog {

    /** The most networks: corosync 3's INTERFACE_MAX (= knet's link limit); ring0_addr..ring7_addr. */
    static final int LINKS_MAX = 8;

    private static final String NOT_IMPLEMENTED = "is a corosync option we do not implement; ignored";
    private static final String KNET = "is an option of corosync's knet transport; ignored (we speak udp and udpu)";
    private static final String RRP = "is a corosync 2 redundant-ring option we do not implement; ignored";
    private static final String LOGGING = "is a corosync logging option we do not implement; ignored";

    /**
     * What one section may hold.
     *
     * @param keys implemented keys, in the order suggestions prefer
     * @param ignoredKeys known but not implemented keys, with the rest of the warning sentence
     * @param sections implemented nested sections
     * @param ignoredSections known nested sections that are skipped, with the rest of the warning
     */
    record Schema(Set<String> keys, Map<String, String> ignoredKeys, Set<String> sections,
            Map<String, String> ignoredSections) {

        /** @return every name a key may have here, for suggestions */
        Set<String> allKeys() {
            Set<String> all = new LinkedHashSet<>(keys);
            all.addAll(ignoredKeys.keySet());
            return all;
        }

        /** @return every name a section may have here, for suggestions */
        Set<String> allSections() {
            Set<String> all = new LinkedHashSet<>(sections);
            all.addAll(ignoredSections.keySet());
            return all;
        }
    }

    private static final Map<String, Schema> SCHEMAS = Map.of(
            "", new Schema(Set.of(), Map.of(),
                    ordered("totem", "nodelist", "logging", "uidgid", "system"),
                    reasons(
                            "quorum", "is accepted and ignored: we do not implement quorum",
                            "resources", "configures corosync's watchdog; ignored",
                            "qb", "configures corosync's libqb IPC; ignored",
                            "nozzle", "configures corosync's knet nozzle device; ignored")),
            "totem", new Schema(
                    ordered("version", "cluster_name", "transport", "rrp_mode", "link_mode",
                            "token", "token_coefficient", "token_retransmit", "hold",
                            "token_retransmits_before_loss_const", "join", "consensus", "merge", "downcheck",
                            "fail_recv_const", "seqno_unchanged_const", "window_size", "max_messages",
                            "miss_count_const", "netmtu", "crypto_cipher", "crypto_hash", "keyfile", "secauth"),
                    reasons(
                            "token_warning", NOT_IMPLEMENTED,
                            "send_join", NOT_IMPLEMENTED,
                            "heartbeat_failures_allowed", NOT_IMPLEMENTED,
                            "max_network_delay", NOT_IMPLEMENTED,
                            "cancel_token_hold_on_retransmit", NOT_IMPLEMENTED,
                            "block_unlisted_ips", NOT_IMPLEMENTED,
                            "ip_version", "is a corosync option we do not implement; ignored (the IP family "
                                    + "follows the addresses as written)",
                            "ip_dscp", NOT_IMPLEMENTED,
                            "clear_node_high_bit", "is a corosync option we do not implement; ignored (nodeids "
                                    + "are never derived from addresses)",
                            "config_version", NOT_IMPLEMENTED,
                            "nodeid", "is corosync's old way to name the local node; ignored (use nodeid in "
                                    + "the nodelist, or --nodeid)",
                            "threads", NOT_IMPLEMENTED,
                            "vsftype", NOT_IMPLEMENTED,
                            "crypto_model", "picks corosync's crypto library; ignored",
                            "key", "is corosync's inline key, which we do not implement; ignored (use keyfile)",
                            "knet_pmtud_interval", KNET,
                            "knet_mtu", KNET,
                            "knet_compression_model", KNET,
                            "knet_compression_threshold", KNET,
                            "knet_compression_level", KNET,
                            "rrp_problem_count_timeout", RRP,
                            "rrp_problem_count_threshold", RRP,
                            "rrp_problem_count_mcast_threshold", RRP,
                            "rrp_token_expired_timeout", RRP,
                            "rrp_autorecovery_check_timeout", RRP),
                    ordered("interface"),
                    Map.of()),
            "totem.interface", new Schema(
                    ordered("linknumber", "ringnumber", "bindnetaddr", "mcastaddr", "mcastport", "ttl"),
                    reasons(
                            "broadcast", NOT_IMPLEMENTED,
                            "knet_link_priority", KNET,
                            "knet_ping_interval", KNET,
                            "knet_ping_timeout", KNET,
                            "knet_ping_precision", KNET,
                            "knet_pong_count", KNET,
                            "knet_transport", KNET),
                    Set.of(),
                    reasons("member", "is corosync 1's udpu member list; ignored (list the nodes in "
                            + "nodelist { node { ring0_addr: ... } })")),
            "nodelist", new Schema(Set.of(), Map.of(), ordered("node"), Map.of()),
            "uidgid", new Schema(ordered("uid", "gid"), Map.of(), Set.of(), Map.of()),
            "system", new Schema(
                    ordered("sched_rr", "priority"),
                    reasons(
                            "qb_ipc_type", "picks corosync's libqb IPC; ignored (our CPG socket is a Unix "
                                    + "domain socket)",
                            "allow_knet_handle_fallback", KNET,
                            "state_dir", "is corosync's state directory; ignored (use ./totem node --state-dir)",
                            "move_to_root_cgroup", NOT_IMPLEMENTED),
                    Set.of(),
                    Map.of()),
            "nodelist.node", new Schema(
                    ringKeys(),
                    reasons("quorum_votes", "belongs to corosync's votequorum; ignored (we do not implement quorum)"),
                    Set.of(),
                    Map.of()),
            "logging", new Schema(
                    ordered("to_stderr", "to_logfile", "logfile", "to_syslog", "debug", "timestamp"),
                    reasons(
                            "fileline", LOGGING,
                            "function_name", LOGGING,
                            "blackbox", LOGGING,
                            "logfile_priority", LOGGING,
                            "syslog_facility", LOGGING,
                            "syslog_priority", LOGGING,
                            "syslog_level", LOGGING),
                    Set.of(),
                    reasons(
                            "logger_subsys", "is corosync's per-subsystem logging, which we do not implement; ignored",
                            "logging_daemon", "is corosync's per-daemon logging, which we do not implement; ignored")));

    private KeyCatalog() {
    }

    /**
     * @param path a section's dotted path; "" for the top level
     * @return what that section may hold; empty for sections that are ignored as a whole
     */
    static Optional<Schema> schema(String path) {
        return Optional.ofNullable(SCHEMAS.get(path));
    }

    /**
     * The known name closest to a misspelt one, by edit distance (a swap of two neighbouring
     * letters counts as one edit), if it is close enough to be what the user meant.
     *
     * @param word the unknown name
     * @param known the names it may have meant, in order of preference for ties
     * @return the suggestion, if any
     */
    static Optional<String> nearest(String word, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(word, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // About one edit in three letters, at most three: beyond that a suggestion is noise.
        int allowed = Math.max(1, Math.min(3, word.length() / 3));
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static Set<String> ordered(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    private static Map<String, String> reasons(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static Set<String> ringKeys() {
        Set<String> keys = ordered("nodeid", "name");
        for (int i = 0; i < LINKS_MAX; i++) {
            keys.add(ringKey(i));
        }
        return keys;
    }

    /** @return {@code ringN_addr}, a node's address on network N */
    static String ringKey(int link) {
        return "ring" + link + "_addr";
    }
}
