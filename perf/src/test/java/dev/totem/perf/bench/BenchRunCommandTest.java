package dev.totem.perf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchRunCommandTest {
    @Test
    void aJvmOptionGoesAfterTheJavaExecutableEvenBehindALauncher() {
        List<String> java = List.of("/usr/lib/jvm/bin/java", "-Xmx512m", "-cp", "x");
        String jfr = "-XX:StartFlightRecording=settings=profile,filename=" + Path.of("n1.jfr");
        assertThat(BenchRun.childCommand(List.of(), java, Optional.of(Path.of("n1.jfr"))))
                .containsExactly("/usr/lib/jvm/bin/java", jfr, "-Xmx512m", "-cp", "x");
        assertThat(BenchRun.childCommand(List.of("chrt", "--rr", "1"), java, Optional.of(Path.of("n1.jfr"))))
                .containsExactly("chrt", "--rr", "1", "/usr/lib/jvm/bin/java", jfr, "-Xmx512m", "-cp", "x");
        assertThat(BenchRun.childCommand(List.of("chrt", "--rr", "1"), java, Optional.empty()))
                .containsExactly("chrt", "--rr", "1", "/usr/lib/jvm/bin/java", "-Xmx512m", "-cp", "x");
    }
}
