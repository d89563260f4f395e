package dev.totem.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each file under config/bad/ holds one kind of mistake (the comment on its first line says
 * which); the test pins the exact errors, with file and line, that a user sees for it.
 */
class BadConfigTest {

    static Stream<Arguments> badFiles() {
        return Stream.of(
                // Syntax: reported alone, before any validation.
                bad("unclosed-section.conf",
                        "unclosed-section.conf:2: section 'totem' is never closed; expected '}' before the end of the file"),
                bad("stray-brace.conf",
                        "stray-brace.conf:5: unexpected '}': no section is open here"),
                bad("missing-colon.conf",
                        "missing-colon.conf:4: expected 'key: value', 'name {' or '}', got 'token 3000'"),
                bad("duplicate-key.conf",
                        "duplicate-key.conf:5: duplicate key 'token' in totem (first at line 4)"),
                bad("one-line-section.conf",
                        "one-line-section.conf:2: unexpected 'transport: udpu }' after 'totem {'; expected the end "
                                + "of the line (one 'key: value' per line)"),
                // Names.
                bad("unknown-key.conf",
                        "unknown-key.conf:4: unknown key 'token_retransmt' in totem; did you mean 'token_retransmit'?"),
                bad("unknown-section.conf",
                        "unknown-section.conf:3: transport udpu needs a nodelist with a ring0_addr for each node; "
                                + "expected 'nodelist {' with 'node {' sections",
                        "unknown-section.conf:6: unknown section 'nodelst' at the top level; did you mean 'nodelist'?"),
                // Values.
                bad("not-a-number.conf",
                        "not-a-number.conf:4: window_size: 'abc' is not a whole number; allowed 1..4096"),
                bad("token-too-small.conf",
                        "token-too-small.conf:4: token: '10' is out of range; allowed 30..3600000 ms"),
                bad("transport-knet.conf",
                        "transport-knet.conf:3: transport: 'knet' is corosync 3's kronosnet transport, which we do "
                                + "not implement; allowed udp, udpu"),
                bad("cipher-typo.conf",
                        "cipher-typo.conf:4: crypto_cipher: 'aes265' is not allowed; allowed none, aes256, chacha20"),
                bad("hostname-address.conf",
                        "hostname-address.conf:9: ring0_addr: 'node1.example.com' is not an IP address; allowed an "
                                + "IPv4 or IPv6 address (host names are not resolved)"),
                bad("nodeid-zero.conf",
                        "nodeid-zero.conf:8: nodeid: '0' is out of range; allowed 1..2147483647"),
                bad("mcastaddr-not-multicast.conf",
                        "mcastaddr-not-multicast.conf:7: mcastaddr: '10.0.0.255' is not a multicast address; allowed "
                                + "224.0.0.0/4 (IPv4) or ff00::/8 (IPv6)"),
                // Rules across keys.
                bad("consensus-below-join.conf",
                        "consensus-below-join.conf:5: consensus (60 ms) must be at least join (100 ms)"),
                bad("duplicate-nodeid.conf",
                        "duplicate-nodeid.conf:12: nodeid 1 is used twice (first at line 8)"),
                bad("node-without-nodeid.conf",
                        "node-without-nodeid.conf:11: node without nodeid; expected 'nodeid: N' with N in 1..2147483647"),
                bad("udpu-without-nodelist.conf",
                        "udpu-without-nodelist.conf:3: transport udpu needs a nodelist with a ring0_addr for each "
                                + "node; expected 'nodelist {' with 'node {' sections"),
                bad("udp-without-mcastaddr.conf",
                        "udp-without-mcastaddr.conf:4: interface 0 has no mcastaddr; transport udp needs one (or a "
                                + "cluster_name to derive it from)"),
                bad("ring1-on-some-nodes.conf",
                        "ring1-on-some-nodes.conf:18: node 3 has no ring1_addr, but node 1 has one (line 11); every "
                                + "node needs an address on each network"),
                bad("interface-without-ring.conf",
                        "interface-without-ring.conf:7: interface 1 has no ring1_addr in the nodelist; each interface "
                                + "is one network, and every node needs an address on it"),
                bad("rrp-none-two-rings.conf",
                        "rrp-none-two-rings.conf:4: rrp_mode none uses one network, but 2 are configured; expected "
                                + "passive or active"),
                bad("rrp-active-one-ring.conf",
                        "rrp-active-one-ring.conf:4: rrp_mode active needs two or more networks, but only ring0_addr "
                                + "is given; add ring1_addr to every node (and an interface with linknumber 1), or "
                                + "write rrp_mode: none"),
                bad("rrp-mode-unknown.conf",
                        "rrp-mode-unknown.conf:4: rrp_mode: 'activ' is not allowed; allowed none, passive, active"),
                bad("logfile-missing.conf",
                        "logfile-missing.conf:18: to_logfile is yes but no logfile is given; expected 'logfile: PATH'"),
                // Errors are collected, not stopped at the first.
                bad("several-errors.conf",
                        "several-errors.conf:4: unknown key 'tokem' in totem; did you mean 'token'?",
                        "several-errors.conf:5: max_messages: '-1' is out of range; allowed 1..4096",
                        "several-errors.conf:15: ring0_addr: '10.0.0.256' is not an IP address; allowed an IPv4 or "
                                + "IPv6 address (host names are not resolved)"));
    }

    private static Arguments bad(String file, String... errors) {
        return Arguments.of(file, List.of(errors));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void reportsEveryErrorWithFileAndLine(String file, List<String> expected) {
        ConfigResult result = NodeConfig.parse(file, resource("config/bad/" + file));

        assertThat(result.ok()).isFalse();
        assertThat(result.config()).isNull();
        assertThat(result.errors()).extracting(ConfigProblem::toString).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void eachBadFileSaysWhatItGetsWrong(String file, List<String> expected) {
        assertThat(resource("config/bad/" + file)).startsWith("# ");
    }

    @Test
    void everyBadFileHasItsExpectedErrors() throws Exception {
        Path dir = Path.of(BadConfigTest.class.getClassLoader().getResource("config/bad").toURI());
        List<String> listed = badFiles().map(a -> (String) a.get()[0]).toList();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(listed);
        }
    }

    static String resource(String name) {
        try (InputStream in = BadConfigTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
