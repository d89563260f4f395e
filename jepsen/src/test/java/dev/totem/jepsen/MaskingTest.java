package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.simulator.check.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rrp-masking in a jepsen run whose only fault is one network failing at a time. */
class MaskingTest {
    @TempDir
    Path dir;

    @Test
    void aRegularConfigurationOnceTheFaultsBeganIsAViolationPerNodeAndStartupRingsAreNot() throws Exception {
        Path history = dir.resolve("history.jsonl");
        Files.writeString(history, String.join("\n",
                "{\"t\":1,\"node\":1,\"ev\":\"config\",\"kind\":\"regular\",\"ring\":\"1:1\",\"members\":[1]}",
                "{\"t\":1,\"node\":1,\"ev\":\"config\",\"kind\":\"regular\",\"ring\":\"1:5\",\"members\":[1,2]}",
                "{\"t\":2,\"node\":2,\"ev\":\"config\",\"kind\":\"regular\",\"ring\":\"1:5\",\"members\":[1,2]}",
                "{\"t\":3,\"node\":0,\"ev\":\"net_loss\",\"network\":1,\"loss\":1.0}",
                "{\"t\":3,\"node\":1,\"ev\":\"config\",\"kind\":\"transitional\",\"ring\":\"1:9\",\"members\":[1,2]}",
                "{\"t\":4,\"node\":1,\"ev\":\"config\",\"kind\":\"regular\",\"ring\":\"1:9\",\"members\":[1,2]}",
                "{\"t\":5,\"node\":2,\"ev\":\"deliver\",\"id\":\"n1.0-1\",\"sender\":1}") + "\n");

        List<Violation> v = JepsenRun.masking(history);

        assertThat(v).extracting(Violation::property).containsExactly("rrp-masking");
        assertThat(v.get(0).detail()).contains("node 1 installed 1 regular configurations after the faults began");
    }
}
