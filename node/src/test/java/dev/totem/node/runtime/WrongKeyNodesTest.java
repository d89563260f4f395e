package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.FrameKey;
import dev.totem.crypto.KeyFile;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.TotemConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes over real sockets on loopback, the third with another key: it cannot join, and the
 * ring of the other two does not change while it tries; its frames are counted as rejected.
 */
class WrongKeyNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Map<Integer, TotemNode> nodes = new HashMap<>();

    @AfterEach
    void closeAll() {
        nodes.values().forEach(TotemNode::close);
    }

    private static FrameKey randomKey() throws Exception {
        byte[] key = new byte[256];
        new SecureRandom().nextBytes(key);
        return KeyFile.of(key).derive("wrong-key");
    }

    @Test
    void aNodeWithAnotherKeyCannotJoinAndDoesNotDisturbTheRing() throws Exception {
        FrameKey good = randomKey();
        FrameKey other = randomKey();
        List<RuntimeSettings.Builder> builders = NodeRunner.loopbackCluster(Transport.UDPU, 3, dir, TotemConfig.fromToken(1000, 1500));
        Map<Integer, Recorder> recorders = new HashMap<>();
        for (int id = 1; id <= 3; id++) {
            RuntimeSettings s = builders.get(id - 1).crypto(new CryptoSetup(CryptoCipher.AES256_GCM, id == 3 ? other : good)).build();
            TotemNode node = new TotemNode(s);
            Recorder r = new Recorder();
            node.addListener(r);
            nodes.put(id, node);
            recorders.put(id, r);
        }
        nodes.get(1).start();
        nodes.get(2).start();
        for (int id = 1; id <= 2; id++) {
            Recorder r = recorders.get(id);
            await("node " + id + " in a ring of 1, 2").atMost(WAIT).until(() -> r.hasRegular(0, 1, 2));
        }
        int[] from = {recorders.get(1).size(), recorders.get(2).size()};

        nodes.get(3).start();
        await("node 3 alone in a ring of its own").atMost(WAIT).until(() -> recorders.get(3).hasRegular(0, 3));
        await("nodes 1 and 2 rejected node 3's frames many times").atMost(WAIT).until(() ->
                nodes.get(1).status().counter("crypto_rejected_unknown_key") >= 20
                        && nodes.get(2).status().counter("crypto_rejected_unknown_key") >= 20);

        for (int id = 1; id <= 2; id++) {
            assertThat(recorders.get(id).since(from[id - 1], Effect.ConfigurationChange.class))
                    .as("node %d kept its configuration", id).isEmpty();
            assertThat(nodes.get(id).status().members()).containsExactly(1, 2);
        }
        assertThat(nodes.get(3).status().members()).containsExactly(3);
    }
}
