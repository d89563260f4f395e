package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes on loopback, the third started with another key file: it cannot join,
 * and the ring of the other two installs no new configuration while it keeps trying.
 */
class WrongKeyProcessesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private Queue<String> start(int id, Path config) throws IOException {
        String java = ChildJvm.java();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "demo-node", "-c", config.toString(), "--nodeid", Integer.toString(id),
                "--state-dir", dir.resolve("state" + id).toString(), "--deliveries", dir.resolve(id + ".ids").toString(),
                "--rate", "50");
        pb.redirectError(dir.resolve("node" + id + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "wrong-key-reader-" + id);
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static long configs(Queue<String> lines) {
        return lines.stream().filter(l -> l.startsWith("CONFIG ")).count();
    }

    @Test
    void aNodeProcessWithAnotherKeyCannotJoinAndDoesNotDisturbTheRing() throws Exception {
        Path good = dir.resolve("authkey");
        Path other = dir.resolve("otherkey");
        DemoCommand.writeKey(good);
        DemoCommand.writeKey(other);
        Path config = DemoCommand.writeConfig(dir, "udpu", good, "good.conf");
        Path wrong = dir.resolve("wrong.conf");
        Files.writeString(wrong, Files.readString(config).replace(good.toString(), other.toString()));

        Queue<String> one = start(1, config);
        Queue<String> two = start(2, config);
        await("a ring of nodes 1 and 2").atMost(WAIT).until(() ->
                one.stream().anyMatch(l -> l.matches("CONFIG regular \\S+ \\[1, 2\\]"))
                        && two.stream().anyMatch(l -> l.matches("CONFIG regular \\S+ \\[1, 2\\]")));
        long before1 = configs(one);
        long before2 = configs(two);

        Queue<String> three = start(3, wrong);
        await("node 3 alone in its own ring").atMost(WAIT).until(() ->
                three.stream().anyMatch(l -> l.matches("CONFIG regular \\S+ \\[3\\]")));
        // Node 3 keeps trying (its merge detects and joins are multicast) for a few more seconds.
        long progressAtRing = three.stream().filter(l -> l.startsWith("PROGRESS ")).count();
        await("node 3 running on").atMost(WAIT).until(() ->
                three.stream().filter(l -> l.startsWith("PROGRESS ")).count() >= progressAtRing + 3);

        assertThat(configs(one)).as("node 1 installed no new configuration").isEqualTo(before1);
        assertThat(configs(two)).as("node 2 installed no new configuration").isEqualTo(before2);
        assertThat(Files.readString(dir.resolve("node1.log"))).contains("did not open");
    }
}
