package dev.totem.node.config;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration file of a cluster that a tool starts on one machine ({@code ./totem demo},
 * {@code bench}, {@code jepsen}), in the corosync syntax {@link NodeConfig} reads.
 *
 * @param clusterName {@code cluster_name}
 * @param transport {@code udpu} or {@code udp}
 * @param ring0Addresses node id to ring0 address
 * @param port {@code mcastport}: the multicast port for udp, the unicast port for udpu
 * @param mcastAddress the multicast group for udp; empty for udpu
 * @param tokenTimeoutMs {@code token}
 * @param keyFile the key every frame is sealed with; empty sends frames in the clear
 *     ({@code crypto_cipher: none})
 * @param totemOptions more {@code totem {}} keys and values (netmtu, window_size, ...), checked by
 *     the validator when the file is read
 * @param systemOptions {@code system {}} keys and values (sched_rr, priority); none writes no
 *     such section
 * @param moreRings the addresses of networks 1, 2, ... ({@code ring1_addr}, ...), node id to
 *     address, each for the nodes of {@code ring0Addresses}; with any, {@code totemOptions} should
 *     set {@code rrp_mode} (udpu only: udp would need an interface per network)
 */
public record ClusterFile(String clusterName, String transport, Map<Integer, String> ring0Addresses, int port,
        Optional<String> mcastAddress, long tokenTimeoutMs, Optional<Path> keyFile, Map<String, String> totemOptions,
        Map<String, String> systemOptions, List<Map<Integer, String>> moreRings) {

    /** A cluster without a {@code system {}} section. */
    public ClusterFile(String clusterName, String transport, Map<Integer, String> ring0Addresses, int port,
            Optional<String> mcastAddress, long tokenTimeoutMs, Optional<Path> keyFile, Map<String, String> totemOptions) {
        this(clusterName, transport, ring0Addresses, port, mcastAddress, tokenTimeoutMs, keyFile, totemOptions, Map.of());
    }

    /** A cluster on one network. */
    public ClusterFile(String clusterName, String transport, Map<Integer, String> ring0Addresses, int port,
            Optional<String> mcastAddress, long tokenTimeoutMs, Optional<Path> keyFile, Map<String, String> totemOptions,
            Map<String, String> systemOptions) {
        this(clusterName, transport, ring0Addresses, port, mcastAddress, tokenTimeoutMs, keyFile, totemOptions, systemOptions,
                List.of());
    }

    public ClusterFile {
        Objects.requireNonNull(clusterName, "clusterName");
        if (!transport.equals("udpu") && !transport.equals("udp")) {
            throw new IllegalArgumentException("transport must be udpu or udp, got '" + transport + "'");
        }
        if (transport.equals("udp") && mcastAddress.isEmpty()) {
            throw new IllegalArgumentException("udp needs a multicast address");
        }
        ring0Addresses = new TreeMap<>(ring0Addresses);
        totemOptions = new TreeMap<>(totemOptions);
        systemOptions = new TreeMap<>(systemOptions);
        List<Map<Integer, String>> rings = new ArrayList<>();
        for (Map<Integer, String> ring : moreRings) {
            if (!ring.keySet().equals(ring0Addresses.keySet())) {
                throw new IllegalArgumentException("network " + (rings.size() + 1) + " has addresses for nodes "
                        + new TreeMap<>(ring).keySet() + ", network 0 for " + ring0Addresses.keySet());
            }
            rings.add(new TreeMap<>(ring));
        }
        moreRings = List.copyOf(rings);
    }

    /** This cluster with {@code rings} as its networks 1, 2, ... */
    public ClusterFile withMoreRings(List<Map<Integer, String>> rings) {
        return new ClusterFile(clusterName, transport, ring0Addresses, port, mcastAddress, tokenTimeoutMs, keyFile,
                totemOptions, systemOptions, rings);
    }

    /** The file's text. */
    public String text() {
        StringBuilder c = new StringBuilder();
        c.append("totem {\n\tversion: 2\n\tcluster_name: ").append(clusterName).append("\n\ttransport: ").append(transport)
                .append('\n');
        c.append("\ttoken: ").append(tokenTimeoutMs).append('\n');
        if (keyFile.isPresent()) {
            c.append("\tcrypto_cipher: aes256\n\tkeyfile: ").append(keyFile.get()).append('\n');
        } else {
            c.append("\tcrypto_cipher: none\n\tcrypto_hash: none\n");
        }
        for (Map.Entry<String, String> e : totemOptions.entrySet()) {
            c.append('\t').append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        if (mcastAddress.isEmpty()) {
            c.append("\tinterface {\n\t\tlinknumber: 0\n\t\tmcastport: ").append(port).append("\n\t}\n");
        } else {
            // Over udp, a section per network: its own group (the given one plus the link number).
            for (int k = 0; k <= moreRings.size(); k++) {
                Map<Integer, String> ring = k == 0 ? ring0Addresses : moreRings.get(k - 1);
                c.append("\tinterface {\n\t\tlinknumber: ").append(k).append("\n\t\tmcastport: ").append(port)
                        .append("\n\t\tbindnetaddr: ").append(ring.values().iterator().next()).append("\n\t\tmcastaddr: ")
                        .append(group(k)).append("\n\t\tttl: 1\n\t}\n");
            }
        }
        c.append("}\nnodelist {\n");
        for (Map.Entry<Integer, String> e : ring0Addresses.entrySet()) {
            c.append("\tnode {\n\t\tnodeid: ").append(e.getKey()).append("\n\t\tring0_addr: ").append(e.getValue());
            for (int k = 0; k < moreRings.size(); k++) {
                c.append("\n\t\tring").append(k + 1).append("_addr: ").append(moreRings.get(k).get(e.getKey()));
            }
            c.append("\n\t}\n");
        }
        c.append("}\n");
        if (!systemOptions.isEmpty()) {
            c.append("system {\n");
            for (Map.Entry<String, String> e : systemOptions.entrySet()) {
                c.append('\t').append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            }
            c.append("}\n");
        }
        return c.toString();
    }

    /** Network {@code link}'s multicast group: {@link #mcastAddress} with {@code link} added to its last byte. */
    public String group(int link) {
        String base = mcastAddress.orElseThrow(() -> new IllegalStateException(transport + " has no multicast group"));
        if (link == 0) {
            return base;
        }
        try {
            byte[] b = InetAddress.getByName(base).getAddress();
            if ((b[b.length - 1] & 0xFF) + link > 0xFF) {
                throw new IllegalArgumentException("group " + base + " + " + link + " leaves its last byte");
            }
            b[b.length - 1] += (byte) link;
            return NetUtil.toAddressString(InetAddress.getByAddress(b));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a multicast group: " + base, e);
        }
    }

    /** Writes {@link #text()} to {@code file}; returns {@code file}. */
    public Path write(Path file) throws IOException {
        Files.writeString(file, text());
        return file;
    }
}
