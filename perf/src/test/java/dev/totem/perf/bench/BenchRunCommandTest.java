package dev.totem.perf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchRunCommandTest {
    @Test
    void theJfrOptionGoesRightAfterTheJavaExecutable() {
        List<String> java = List.of("/usr/lib/jvm/bin/java", "-Xmx512m", "-cp", "x");
        String jfr = "-XX:StartFlightRecording=settings=profile,filename=" + Path.of("n1.jfr");
        assertThat(BenchRun.childCommand(java, Optional.of(Path.of("n1.jfr"))))
                .containsExactly("/usr/lib/jvm/bin/java", jfr, "-Xmx512m", "-cp", "x");
        assertThat(BenchRun.childCommand(java, Optional.empty()))
                .containsExactly("/usr/lib/jvm/bin/java", "-Xmx512m", "-cp", "x");
    }
}
