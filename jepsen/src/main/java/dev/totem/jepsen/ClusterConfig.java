package dev.totem.jepsen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The configuration file every node of a run reads: udpu over the lab's addresses, sealed frames. */
final class ClusterConfig {
    /** corosync's port; each node has its own address, so they share it. */
    static final int PORT = 5405;

    private ClusterConfig() {}

    /** Writes {@code totem.conf} into {@code dir} and returns its path. */
    static Path write(Path dir, int nodes, Path keyFile, long tokenTimeoutMs) throws IOException {
        StringBuilder c = new StringBuilder();
        c.append("totem {\n\tversion: 2\n\tcluster_name: jepsen\n\ttransport: udpu\n");
        c.append("\ttoken: ").append(tokenTimeoutMs).append('\n');
        c.append("\tcrypto_cipher: aes256\n\tkeyfile: ").append(keyFile).append('\n');
        c.append("\tinterface {\n\t\tlinknumber: 0\n\t\tmcastport: ").append(PORT).append("\n\t}\n}\n");
        c.append("nodelist {\n");
        for (int n = 1; n <= nodes; n++) {
            c.append("\tnode {\n\t\tnodeid: ").append(n).append("\n\t\tring0_addr: ").append(Lab.address(n)).append("\n\t}\n");
        }
        c.append("}\n");
        Path file = dir.resolve("totem.conf");
        Files.writeString(file, c);
        return file;
    }
}
