package dev.totem.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.protocol.api.TotemConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeConfigTest {

    /** A udpu file with {@code n} nodes on 10.0.0.1.. and extra totem lines. */
    private static String udpu(int n, String... totemLines) {
        StringBuilder b = new StringBuilder("totem {\n\ttransport: udpu\n");
        for (String line : totemLines) {
            b.append('\t').append(line).append('\n');
        }
        b.append("}\nnodelist {\n");
        for (int i = 1; i <= n; i++) {
            b.append("\tnode {\n\t\tnodeid: ").append(i).append("\n\t\tring0_addr: 10.0.0.").append(i).append("\n\t}\n");
        }
        return b.append("}\n").toString();
    }

    private static NodeConfig ok(String text) {
        ConfigResult result = NodeConfig.parse("test.conf", text);
        assertThat(result.errors()).isEmpty();
        return result.config();
    }

    private static InetAddress ip(String literal) {
        return ConfigValues.parseAddress(literal).orElseThrow();
    }

    @Test
    void corosyncUdpuExampleIsAcceptedWithOnlyWarnings() {
        String file = "corosync-udpu-example.conf";
        ConfigResult result = NodeConfig.parse(file, BadConfigTest.resource("config/good/" + file));

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).extracting(ConfigProblem::toString).containsExactly(
                file + ":36: section 'quorum' is accepted and ignored: we do not implement quorum",
                file + ":43: 'fileline' is a corosync logging option we do not implement; ignored",
                file + ":45: to_syslog: we do not log to syslog; ignored (use to_stderr or to_logfile)",
                file + ":49: section 'logger_subsys' is corosync's per-subsystem logging, which we do not "
                        + "implement; ignored");
        NodeConfig config = result.config();
        assertThat(config.clusterName()).contains("mycluster");
        assertThat(config.transport()).isEqualTo(Transport.UDPU);
        assertThat(config.rrpMode()).isEqualTo(RrpMode.NONE);
        assertThat(config.interfaces()).containsExactly(
                new InterfaceConfig(0, Optional.of(ip("10.10.10.0")), Optional.empty(), 5405, 1));
        assertThat(config.nodes()).extracting(NodeEntry::nodeId).containsExactly(1, 2, 3);
        assertThat(config.nodes().get(2).ring0()).isEqualTo(ip("10.10.10.3"));
        assertThat(config.crypto()).isEqualTo(new CryptoConfig("none", "none", true, Optional.empty(), Optional.empty()));
        assertThat(config.logging()).isEqualTo(new LoggingConfig(true, true,
                Optional.of("/var/log/cluster/corosync.log"), LoggingConfig.Debug.OFF, true));
        assertThat(config.totem().tokenTimeoutMs()).isEqualTo(3650);
    }

    /** The worked table of corosync-totem.md §3.5: corosync 3 defaults for a nodelist of N nodes. */
    @ParameterizedTest(name = "{0} nodes")
    @CsvSource({
        "2, 3000, 714, 561, 3600",
        "3, 3650, 869, 685, 4380",
        "5, 4950, 1178, 932, 5940",
        "16, 12100, 2880, 2294, 14520",
        "32, 22500, 5357, 4275, 27000",
    })
    void derivedDefaultsMatchCorosync(int nodes, int token, int retransmit, int hold, int consensus) {
        TotemConfig totem = ok(udpu(nodes)).totem();

        assertThat(totem.tokenTimeoutMs()).isEqualTo(token);
        assertThat(totem.tokenRetransmitMs()).isEqualTo(retransmit);
        assertThat(totem.holdMs()).isEqualTo(hold);
        assertThat(totem.consensusMs()).isEqualTo(consensus);
        // The constants of §3.5.
        assertThat(totem.joinMs()).isEqualTo(50);
        assertThat(totem.mergeMs()).isEqualTo(200);
        assertThat(totem.failRecvConst()).isEqualTo(2500);
        assertThat(totem.seqnoUnchangedConst()).isEqualTo(30);
        assertThat(totem.windowSize()).isEqualTo(50);
        assertThat(totem.maxMessages()).isEqualTo(17);
        assertThat(totem.missCountConst()).isEqualTo(5);
        assertThat(totem.frameBytesMax()).isEqualTo(1500 - 28);
    }

    @Test
    void theCoefficientScalesAConfiguredTokenToo() {
        // corosync adds (N - 2) * token_coefficient to the token as written, not only to the default.
        assertThat(ok(udpu(3, "token: 1000")).totem().tokenTimeoutMs()).isEqualTo(1650);
        assertThat(ok(udpu(5, "token: 1000", "token_coefficient: 0")).totem().tokenTimeoutMs()).isEqualTo(1000);
        assertThat(ok(udpu(4, "token_coefficient: 100")).totem().tokenTimeoutMs()).isEqualTo(3200);
    }

    @Test
    void writtenTimeoutsWinAndTheRestDeriveFromThem() {
        TotemConfig totem = ok(udpu(2, "token: 1000", "token_retransmit: 300", "join: 60", "merge: 500",
                "downcheck: 2000", "window_size: 100", "max_messages: 20", "netmtu: 9000", "fail_recv_const: 100",
                "seqno_unchanged_const: 10", "miss_count_const: 3")).totem();

        assertThat(totem.tokenTimeoutMs()).isEqualTo(1000);
        assertThat(totem.tokenRetransmitMs()).isEqualTo(300);
        assertThat(totem.holdMs()).isEqualTo(230); // 300 * 0.8 - 10
        assertThat(totem.consensusMs()).isEqualTo(1200);
        assertThat(totem.joinMs()).isEqualTo(60);
        assertThat(totem.mergeMs()).isEqualTo(500);
        assertThat(totem.windowSize()).isEqualTo(100);
        assertThat(totem.maxMessages()).isEqualTo(20);
        assertThat(totem.frameBytesMax()).isEqualTo(9000 - 28);
        assertThat(totem.failRecvConst()).isEqualTo(100);
        assertThat(totem.seqnoUnchangedConst()).isEqualTo(10);
        assertThat(totem.missCountConst()).isEqualTo(3);
        // corosync 2's token_retransmits_before_loss_const changes the divisor.
        assertThat(ok(udpu(2, "token: 1000", "token_retransmits_before_loss_const: 9")).totem().tokenRetransmitMs())
                .isEqualTo(108);
    }

    @Test
    void aTokenTooSmallForItsDerivedRetransmitIsAnError() {
        ConfigResult result = NodeConfig.parse("t.conf", udpu(2, "token: 100"));

        assertThat(result.errors()).extracting(ConfigProblem::toString).containsExactly(
                "t.conf:3: token_retransmit derived from token (100 ms) / 4.2 is 23 ms, below the minimum 30 ms; "
                        + "raise token or set token_retransmit");
    }

    @Test
    void corosyncOptionsWeDoNotImplementAreWarnings() {
        ConfigResult result = NodeConfig.parse("t.conf", udpu(2, "token_warning: 75", "knet_pmtud_interval: 30",
                "send_join: 80", "max_network_delay: 50", "cancel_token_hold_on_retransmit: yes"));

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "t.conf:3: 'token_warning' is a corosync option we do not implement; ignored",
                "t.conf:4: 'knet_pmtud_interval' is an option of corosync's knet transport; ignored (we speak udp "
                        + "and udpu)",
                "t.conf:5: 'send_join' is a corosync option we do not implement; ignored",
                "t.conf:6: 'max_network_delay' is a corosync option we do not implement; ignored",
                "t.conf:7: 'cancel_token_hold_on_retransmit' is a corosync option we do not implement; ignored");
    }

    @Test
    void threeNodesOnLoopbackValidateAndEachProcessFindsItsNode() throws Exception {
        ConfigResult result = NodeConfig.load(Path.of("examples/totem-udpu-loopback.conf"));

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).isEmpty();
        NodeConfig config = result.config();
        assertThat(config.transport()).isEqualTo(Transport.UDPU);
        assertThat(config.nodes()).extracting(NodeEntry::ring0)
                .containsExactly(ip("127.0.0.1"), ip("127.0.0.2"), ip("127.0.0.3"));
        assertThat(config.nodes()).extracting(NodeEntry::name)
                .containsExactly(Optional.of("node1"), Optional.of("node2"), Optional.of("node3"));
        assertThat(config.totem().tokenTimeoutMs()).isEqualTo(3650);

        // All three addresses are this host's: the runtime's --nodeid picks one.
        assertThat(config.localNode(Set.of(ip("127.0.0.1")), OptionalInt.of(2)).ring0()).isEqualTo(ip("127.0.0.2"));
        // Only 127.0.0.1 is listed on lo by the OS: it is node 1.
        assertThat(config.localNode(Set.of(ip("127.0.0.1"), ip("10.9.9.9"))).nodeId()).isEqualTo(1);
        assertThatThrownBy(() -> config.localNode(Set.of(ip("127.0.0.1"), ip("127.0.0.3"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("the ring0_addr of several nodes of examples/totem-udpu-loopback.conf are addresses of "
                        + "this host (1: 127.0.0.1, 3: 127.0.0.3); give this node's id (--nodeid)");
        assertThatThrownBy(() -> config.localNode(Set.of(ip("10.9.9.9"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("no ring0_addr in the nodelist of examples/totem-udpu-loopback.conf is an address of "
                        + "this host; give this node's id (--nodeid, one of 1, 2, 3)");
        assertThatThrownBy(() -> config.localNode(Set.of(), OptionalInt.of(7)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("nodeid 7 is not in the nodelist of examples/totem-udpu-loopback.conf (nodeids 1, 2, 3)");
    }

    @Test
    void multicastOnLoopbackValidates() throws Exception {
        ConfigResult result = NodeConfig.load(Path.of("examples/totem-udp-loopback.conf"));

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).isEmpty();
        NodeConfig config = result.config();
        assertThat(config.transport()).isEqualTo(Transport.UDP);
        assertThat(config.interfaces()).containsExactly(
                new InterfaceConfig(0, Optional.of(ip("127.0.0.1")), Optional.of(ip("239.192.7.1")), 5405, 1));
        assertThat(config.nodes()).hasSize(3);
    }

    @Test
    void theRedundantRingExampleValidates() throws Exception {
        ConfigResult result = NodeConfig.load(Path.of("examples/totem-rrp-loopback.conf"));

        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).isEmpty();
        NodeConfig config = result.config();
        assertThat(config.rrpMode()).isEqualTo(RrpMode.PASSIVE);
        assertThat(config.interfaces()).extracting(InterfaceConfig::mcastPort).containsExactly(5405, 5406);
        assertThat(config.node(3).orElseThrow().ringAddresses()).containsExactly(ip("127.0.0.3"), ip("127.1.0.3"));
    }

    @Test
    void udpWithoutMcastaddrDerivesItFromTheClusterNameAsCorosyncDoes() {
        String text = "totem {\n transport: udp\n cluster_name: ab\n interface {\n  bindnetaddr: 10.0.0.0\n }\n}\n";
        ConfigResult result = NodeConfig.parse("t.conf", text);

        // corosync: id = ('a' << 1) + 'b' = 292 -> 239.192.(292 >> 8).(292 % 255) = 239.192.1.37
        assertThat(result.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "t.conf:4: interface 0 has no mcastaddr; using 239.192.1.37, derived from cluster_name as corosync does");
        NodeConfig config = result.config();
        assertThat(config.interfaces().get(0).mcastAddr()).contains(ip("239.192.1.37"));
        assertThat(config.nodes()).isEmpty();
        // Without a nodelist there is no node to match: the id must be given.
        assertThat(config.localNode(Set.of(), OptionalInt.of(9))).isEqualTo(new NodeEntry(9, List.of(), Optional.empty()));
        assertThatThrownBy(() -> config.localNode(Set.of(ip("10.0.0.1"))))
                .hasMessage("t.conf has no nodelist, so this node's id must be given (--nodeid)");
    }

    @Test
    void twoNetworksDefaultToPassiveAndLinkModeIsAccepted() {
        String nodes = "nodelist {\n node {\n  nodeid: 1\n  ring0_addr: 10.0.0.1\n  ring1_addr: 10.0.1.1\n }\n"
                + " node {\n  nodeid: 2\n  ring0_addr: 10.0.0.2\n  ring1_addr: 10.0.1.2\n }\n}\n";

        NodeConfig passive = ok("totem {\n transport: udpu\n}\n" + nodes);
        NodeConfig active = ok("totem {\n transport: udpu\n link_mode: active\n}\n" + nodes);

        assertThat(passive.rrpMode()).isEqualTo(RrpMode.PASSIVE);
        assertThat(passive.interfaces()).extracting(InterfaceConfig::mcastPort).containsExactly(5405, 5406);
        assertThat(passive.nodes().get(1).ringAddresses()).containsExactly(ip("10.0.0.2"), ip("10.0.1.2"));
        assertThat(active.rrpMode()).isEqualTo(RrpMode.ACTIVE);
    }

    @Test
    void secauthMeansAes256WithSha256UnlessTheCipherIsGiven() {
        assertThat(ok(udpu(2, "secauth: on", "keyfile: /etc/corosync/authkey")).crypto()).isEqualTo(new CryptoConfig(
                "aes256", "sha256", false, Optional.of("/etc/corosync/authkey"), Optional.of(true)));
        assertThat(ok(udpu(2, "secauth: on", "crypto_cipher: chacha20", "crypto_hash: sha512")).crypto())
                .isEqualTo(new CryptoConfig("chacha20", "sha512", true, Optional.empty(), Optional.of(true)));
        assertThat(ok(udpu(2, "secauth: off")).crypto().enabled()).isFalse();
    }

    @Test
    void commentsQuotesBlanksAndCrLfAreRead() {
        String text = "# a comment\r\n\r\ntotem {   # trailing comment\r\n"
                + "\tcluster_name: \"my # cluster\"\r\n"
                + "\ttransport:udpu\r\n"
                + "    token: 2000 # ms\r\n"
                + "}\r\n"
                + "nodelist {\r\n node {\r\n  nodeid: 1\r\n  ring0_addr: fd00::1\r\n }\r\n"
                + " node {\r\n  nodeid: 2\r\n  ring0_addr: \"fd00::2\"\r\n }\r\n}\r\n";

        NodeConfig config = ok(text);

        assertThat(config.clusterName()).contains("my # cluster");
        assertThat(config.totem().tokenTimeoutMs()).isEqualTo(2000);
        assertThat(config.nodes().get(1).ring0()).isEqualTo(ip("fd00::2"));
    }

    @Test
    void addressesAreQuotedAsWrittenAndOneNetworkKeepsOneFamily() {
        String text = "totem {\n transport: udpu\n}\nnodelist {\n"
                + " node {\n  nodeid: 1\n  ring0_addr: 10.0.0.1\n }\n"
                + " node {\n  nodeid: 2\n  ring0_addr: fd00::2\n }\n"
                + " node {\n  nodeid: 3\n  ring0_addr: 10.0.0.1\n }\n}\n";

        assertThat(NodeConfig.parse("t.conf", text).errors()).extracting(ConfigProblem::toString).containsExactly(
                "t.conf:11: ring0_addr fd00::2 is IPv6, but ring0_addr at line 7 is IPv4; nodes on one network use "
                        + "one IP family",
                "t.conf:15: ring0_addr 10.0.0.1 is used twice (first at line 7)");
    }

    @Test
    void aFileWithoutTotemSectionIsAnErrorOfTheWholeFile() {
        ConfigResult result = NodeConfig.parse("empty.conf", "# nothing\n");

        assertThat(result.errors()).extracting(ConfigProblem::toString).containsExactly(
                "empty.conf: no 'totem {' section; expected one with at least 'transport: udpu' (and a nodelist) "
                        + "or 'transport: udp'");
        assertThat(result.errors().get(0).describe("error")).startsWith("empty.conf: error: no 'totem {'");
        assertThatThrownBy(result::orElseThrow).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("empty.conf: no 'totem {' section");
    }

    @Test
    void keysAreCaseSensitiveAndTheNearestKnownNameIsSuggested() {
        ConfigResult result = NodeConfig.parse("t.conf", udpu(2, "Token: 3000", "crypto_chiper: none", "quux: 1"));

        assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
                "unknown key 'Token' in totem; did you mean 'token'?",
                "unknown key 'crypto_chiper' in totem; did you mean 'crypto_cipher'?",
                "unknown key 'quux' in totem");
    }

    @Test
    void sectionsAndKeysInTheWrongPlaceSaySo() {
        String text = udpu(2, "interface: 0", "bindnetaddr: 10.0.0.0") + "logging {\n token {\n }\n}\n";

        assertThat(NodeConfig.parse("t.conf", text).errors()).extracting(ConfigProblem::message).containsExactly(
                "'interface' is a section in totem; expected 'interface {' ... '}'",
                "'bindnetaddr' belongs inside 'interface {' in totem",
                "unknown section 'token' in logging");
    }

    @Test
    void uidgidSectionsAddUpAndNamesResolveAsGetpwnamWould() {
        NodeConfig c = ok(udpu(2) + "uidgid {\n\tuid: root\n}\nuidgid {\n\tuid: 1000\n\tgid: 189\n}\n");

        assertThat(c.ipcAccess().uids()).containsExactlyInAnyOrder(0, 1000);
        assertThat(c.ipcAccess().gids()).containsExactly(189);
    }

    @Test
    void anUnknownUserInUidgidIsAnErrorAtItsLine() {
        ConfigResult result = NodeConfig.parse("test.conf", udpu(1) + "uidgid {\n\tuid: no-such-user-here\n}\n");

        assertThat(result.errors()).singleElement().satisfies(p -> assertThat(p.toString())
                .contains("no user 'no-such-user-here'"));
    }

    @Test
    void schedRrIsOffUnlessTheSystemSectionSaysYes() {
        assertThat(ok(udpu(2)).schedRr()).isFalse();
        assertThat(ok(udpu(2) + "system {\n\tsched_rr: no\n}\n").schedRr()).isFalse();
        assertThat(ok(udpu(2) + "system {\n\tsched_rr: yes\n}\n").schedRr()).isTrue();
    }

    @Test
    void theSystemSectionIsCheckedAndCorosyncsOtherKeysOnlyWarn() {
        ConfigResult result = NodeConfig.parse("t.conf", udpu(1)
                + "system {\n\tsched_rr: maybe\n\tqb_ipc_type: shm\n\tsched_r: yes\n\tpriority: highest\n}\n");

        assertThat(result.errors()).extracting(ConfigProblem::message).containsExactly(
                "sched_rr: 'maybe' is not allowed; allowed yes, no, on, off",
                "unknown key 'sched_r' in system; did you mean 'sched_rr'?",
                "priority: 'highest' is not allowed; allowed max, min or a nice value -20..19");
        assertThat(result.warnings()).extracting(ConfigProblem::message).containsExactly(
                "'qb_ipc_type' picks corosync's libqb IPC; ignored (our CPG socket is a Unix domain socket)");
    }

    @Test
    void priorityIsANiceValueAndOnlyWithoutSchedRr() {
        assertThat(ok(udpu(1)).priority()).isEmpty();
        assertThat(ok(udpu(1) + "system {\n\tpriority: max\n}\n").priority()).hasValue(-20);
        assertThat(ok(udpu(1) + "system {\n\tpriority: min\n}\n").priority()).hasValue(19);
        assertThat(ok(udpu(1) + "system {\n\tpriority: -5\n}\n").priority()).hasValue(-5);
        assertThat(NodeConfig.parse("t.conf", udpu(1) + "system {\n\tpriority: -21\n}\n").errors())
                .extracting(ConfigProblem::message).containsExactly("priority: '-21' is out of range; allowed -20..19");

        ConfigResult both = NodeConfig.parse("t.conf", udpu(1) + "system {\n\tsched_rr: yes\n\tpriority: max\n}\n");
        assertThat(both.config().priority()).isEmpty();
        assertThat(both.warnings()).extracting(ConfigProblem::message).containsExactly(
                "priority applies without sched_rr only (as in corosync); ignored");
    }
}
