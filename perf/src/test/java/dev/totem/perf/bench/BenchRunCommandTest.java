package dev.totem.perf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchRunCommandTest {
    @Test
    void aJvmOptionGoesAfterTheJavaExecutableEvenBehindALauncher() {
        assertThat(BenchRun.jvmOptionsAt(List.of("/usr/lib/jvm/bin/java", "-Xmx512m", "-cp", "x"))).isEqualTo(1);
        assertThat(BenchRun.jvmOptionsAt(List.of("chrt", "--rr", "1", "/usr/lib/jvm/bin/java", "-cp", "x"))).isEqualTo(4);
    }
}
