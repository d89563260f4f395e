package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.KeyFile;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TotemConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key rotation across a running 3-node cluster loses no message and causes no configuration
 * change: each node reloads its key file at a different moment while all of them keep sending.
 */
class KeyRotationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Map<Integer, TotemNode> nodes = new HashMap<>();

    @AfterEach
    void closeAll() {
        nodes.values().forEach(TotemNode::close);
    }

    private static void writeKey(Path file) throws Exception {
        byte[] key = new byte[256];
        new SecureRandom().nextBytes(key);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    }

    /** Nodes 1-3 with a key file each (one key), a grace of 800 ms, recorded, in their first ring. */
    private Map<Integer, Recorder> startCluster(List<Path> keyFiles, boolean cpg) throws Exception {
        Path first = dir.resolve("key-1");
        writeKey(first);
        Map<Integer, Recorder> recorders = new HashMap<>();
        List<RuntimeSettings.Builder> builders = NodeRunner.loopbackCluster(Transport.UDPU, 3, dir.resolve("state"),
                TotemConfig.fromToken(1000, 1500));
        for (int id = 1; id <= 3; id++) {
            Path keyFile = dir.resolve("authkey-" + id);
            Files.copy(first, keyFile);
            keyFiles.add(keyFile);
            RuntimeSettings.Builder b = builders.get(id - 1).crypto(new CryptoSetup(CryptoCipher.AES256_GCM,
                    KeyFile.load(keyFile).derive("rotation"), Optional.of(keyFile), "rotation", Duration.ofMillis(800)));
            if (cpg) {
                b.cpg(dev.totem.node.cpg.CpgSettings.embedded());
            }
            TotemNode node = new TotemNode(b.build());
            Recorder r = new Recorder();
            node.addListener(r);
            nodes.put(id, node);
            recorders.put(id, r);
            node.start();
        }
        for (int id = 1; id <= 3; id++) {
            Recorder r = recorders.get(id);
            await("node " + id + " in the first ring").atMost(WAIT).until(() -> r.hasRegular(0, 1, 2, 3));
        }
        return recorders;
    }

    @Test
    void rotatingTheKeyLosesNothingAndChangesNoConfiguration() throws Exception {
        List<Path> keyFiles = new ArrayList<>();
        Map<Integer, Recorder> recorders = startCluster(keyFiles, false);
        int[] from = {recorders.get(1).size(), recorders.get(2).size(), recorders.get(3).size()};

        Path second = dir.resolve("key-2");
        writeKey(second);
        List<SubmitStatus> answers = new ArrayList<>();
        for (int round = 0; round < 30; round++) {
            for (int id = 1; id <= 3; id++) {
                answers.add(nodes.get(id).submit(("m " + id + " " + round).getBytes(StandardCharsets.UTF_8),
                        round % 2 == 0 ? Guarantee.SAFE : Guarantee.AGREED));
            }
            if (round % 10 == 5) {
                int id = 1 + round / 10; // nodes reload one after another while messages flow
                Files.setPosixFilePermissions(keyFiles.get(id - 1), PosixFilePermissions.fromString("rw-------"));
                Files.copy(second, keyFiles.get(id - 1), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(keyFiles.get(id - 1), PosixFilePermissions.fromString("r--------"));
                assertThat(nodes.get(id).reloadKey().get(10, TimeUnit.SECONDS)).startsWith("reloaded");
            }
        }
        assertThat(answers).containsOnly(SubmitStatus.ACCEPTED);
        // Past both grace periods: every node seals with the new key and the old one is gone.
        for (int round = 0; round < 20; round++) {
            for (int id = 1; id <= 3; id++) {
                assertThat(nodes.get(id).submit(("late " + id + " " + round).getBytes(StandardCharsets.UTF_8),
                        Guarantee.AGREED)).isEqualTo(SubmitStatus.ACCEPTED);
            }
        }
        int total = 3 * 30 + 3 * 20;
        for (int id = 1; id <= 3; id++) {
            int node = id;
            await("node " + id + " delivers everything").atMost(WAIT).until(() ->
                    recorders.get(node).delivered(from[node - 1], "m ").size()
                            + recorders.get(node).delivered(from[node - 1], "late ").size() >= total);
        }
        List<String> order = recorders.get(1).delivered(from[0], "");
        for (int id = 1; id <= 3; id++) {
            Recorder r = recorders.get(id);
            assertThat(r.since(from[id - 1], Effect.ConfigurationChange.class)).as("node %d changed no configuration", id).isEmpty();
            assertThat(r.since(from[id - 1], Effect.TokenLost.class)).as("node %d lost no token", id).isEmpty();
            assertThat(r.delivered(from[id - 1], "")).as("node %d order", id).isEqualTo(order);
        }
    }

    /**
     * {@code crypto reload --cluster}: node 1 reloads and asks the others through the CPG ring;
     * every node then holds the new key long before node 1 seals with it, so no frame is refused
     * and the ring never changes.
     */
    @Test
    void aClusterKeyReloadReachesEveryNodeWithinTheGrace() throws Exception {
        LogCapture logs = LogCapture.attach();
        try {
            List<Path> keyFiles = new ArrayList<>();
            Map<Integer, Recorder> recorders = startCluster(keyFiles, true);
            int[] from = {recorders.get(1).size(), recorders.get(2).size(), recorders.get(3).size()};
            Path second = dir.resolve("key-2");
            writeKey(second);
            for (Path keyFile : keyFiles) { // as an operator copies the new key to every node
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
                Files.copy(second, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("r--------"));
            }

            assertThat(nodes.get(1).reloadClusterKey().get(10, TimeUnit.SECONDS)).startsWith("reloaded ")
                    .endsWith("; asked nodes 2 3 to reload theirs");
            for (int id = 2; id <= 3; id++) {
                String tag = "[node " + id + "] reloaded ";
                await("node " + id + " reloads its key").atMost(WAIT).until(() -> logs.lines().stream().anyMatch(l -> l.contains(tag)));
            }
            // Past node 1's two graces: it seals with the new key and opens no other.
            await("node 1 drops the old key").atMost(WAIT).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("[node 1] the previous key no longer opens frames")));
            for (int id = 1; id <= 3; id++) {
                NodeStatus status = nodes.get(id).status();
                assertThat(status.counter("crypto_rejected_unknown_key")).as("node %d", id).isZero();
                assertThat(recorders.get(id).since(from[id - 1], Effect.ConfigurationChange.class))
                        .as("node %d changed no configuration", id).isEmpty();
            }
        } finally {
            logs.detach();
        }
    }
}
