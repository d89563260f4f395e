package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.totem.node.runtime.NodeRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./totem node} as a process: its file's logging section decides where lines go, and SIGHUP
 * ({@code systemctl reload}) reloads the file, nodelist and logging alike.
 */
class NodeReloadProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Process node;

    @AfterEach
    void stop() throws InterruptedException {
        if (node != null) {
            node.destroy();
            if (!node.waitFor(15, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
    }

    /** Nodes 1..{@code nodes} at 127.0.0.N on {@code port}; the log to stderr and to {@code log}. */
    private static String file(int port, int nodes, String debug, Path log) {
        StringBuilder list = new StringBuilder();
        for (int id = 1; id <= nodes; id++) {
            list.append("  node {\n    nodeid: ").append(id).append("\n    ring0_addr: 127.0.0.").append(id).append("\n  }\n");
        }
        return "totem {\n  version: 2\n  cluster_name: hup\n  transport: udpu\n  crypto_cipher: none\n"
                + "  interface {\n    linknumber: 0\n    mcastport: " + port + "\n  }\n}\n"
                + "nodelist {\n" + list + "}\n"
                + "logging {\n  to_stderr: yes\n  to_logfile: yes\n  logfile: " + log + "\n  debug: " + debug + "\n}\n";
    }

    @Test
    void sighupReloadsTheNodelistAndTheLogging() throws Exception {
        int port = NodeRunner.freeUdpPort(InetAddress.getByName("127.0.0.1"));
        Path conf = dir.resolve("totem.conf");
        Path log = dir.resolve("totem.log");
        Path stderr = dir.resolve("stderr.txt");
        Path admin = dir.resolve("admin.sock");
        Files.writeString(conf, file(port, 2, "off", log));
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "node", "-c", conf.toString(), "--nodeid", "1", "--state-dir", dir.resolve("state").toString(),
                "--admin-socket", admin.toString(), "--cpg-socket", dir.resolve("cpg.sock").toString()));
        node = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        node.getOutputStream().close();

        await("the node logs where it logs").atMost(WAIT).until(() -> Files.exists(log)
                && Files.readString(log).contains("log to stderr and " + log + ", debug off"));
        await("the admin socket").atMost(WAIT).until(() -> Files.exists(admin));
        // No time stamp unless the file asks for one (corosync's default).
        assertThat(Files.readAllLines(log).get(0)).startsWith("INFO [node 1] log to stderr");

        Files.writeString(conf, file(port, 3, "on", log));
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(node.pid())).start();
        assertThat(hup.waitFor()).isZero();

        await("SIGHUP answered").atMost(WAIT).until(() -> Files.readString(stderr).contains("SIGHUP: config: ok nodelist: added 3"));
        assertThat(Files.readString(log)).contains("log to stderr and " + log + ", debug on")
                .contains("configuration reloaded: nodelist: added 3");
        // A third node gives a longer token (token_coefficient), which the engine takes at once.
        await("the status lists the nodes not in the ring and the reloaded token").atMost(WAIT).until(() -> {
            CliRun cli = new CliRun();
            return cli.run("status", "--socket", admin.toString()) == 0
                    && cli.out.toString().contains("Totem: token 3650 ms, consensus 4380 ms")
                    && cli.out.toString().contains("Members (1): 1\nNot in the ring: 2 3 (listed in the nodelist)");
        });
        assertThat(node.isAlive()).isTrue();
    }
}
