package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmTest {
    @Test
    void aChildTakesOverTheAccessOptionsTheLauncherGaveAndNothingElse() {
        List<String> parent = List.of("-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-Dfoo=bar",
                "--sun-misc-unsafe-memory-access=allow", "-XX:+UseG1GC");
        assertThat(ChildJvm.inherited(parent))
                .containsExactly("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    }

    @Test
    void aJvmWithoutThemPassesNone() {
        assertThat(ChildJvm.inherited(List.of("-Xmx1g", "-Dsun-misc-unsafe-memory-access=allow"))).isEmpty();
    }

    @Test
    void theChildCommandRunsTheSubcommandWithThisClassPath() {
        List<String> cmd = ChildJvm.command("bench-node", "-Xmx64m");
        assertThat(cmd).contains("-Xmx64m", "-cp", System.getProperty("java.class.path"));
        assertThat(cmd.subList(cmd.size() - 2, cmd.size())).containsExactly(Main.class.getName(), "bench-node");
    }

    @Test
    void aChildGetsOurCollectorUnlessItsCallerOrTheEnvironmentPicksOne() {
        assertThat(ChildJvm.commandWith(null, "node", "-Xmx512m")).containsSubsequence("-XX:+UseParallelGC", "-Xmx512m");
        List<String> serial = ChildJvm.commandWith(null, "jepsen-node", "-Xmx192m", "-XX:+UseSerialGC");
        assertThat(serial).contains("-XX:+UseSerialGC").doesNotContain("-XX:+UseParallelGC");
        List<String> g1 = ChildJvm.commandWith(" -Xmx2g  -XX:+UseG1GC ", "node", "-Xmx512m");
        assertThat(g1).containsSubsequence("-Xmx512m", "-Xmx2g", "-XX:+UseG1GC").doesNotContain("-XX:+UseParallelGC");
        assertThat(ChildJvm.commandWith("-Xmn64m", "node")).containsSubsequence("-XX:+UseParallelGC", "-Xmn64m");
    }

    @Test
    void aChildsJvmWarningsGoToStderrNotToTheStdoutItAnswersOn() throws Exception {
        assertThat(ChildJvm.commandWith("-Xmx2g", "node", "-Xmx512m"))
                .containsSubsequence(ChildJvm.JVM_WARNINGS_TO_STDERR.get(0), ChildJvm.JVM_WARNINGS_TO_STDERR.get(1), "-Xmx512m", "-Xmx2g");
        // A young generation larger than the heap: the JVM adjusts it and warns.
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.java()));
        cmd.addAll(ChildJvm.JVM_WARNINGS_TO_STDERR);
        cmd.addAll(List.of("-XX:+UseParallelGC", "-Xmx64m", "-Xmn256m", "-version"));
        Process p = new ProcessBuilder(cmd).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(stderr).contains("warning").contains("MaxNewSize");
        assertThat(stdout).isEmpty();
    }

    @Test
    void theLauncherGivesItsOwnJvmTheSameCollector() throws IOException {
        Path launcher = Path.of("..", "totem");
        assertThat(launcher).exists();
        assertThat(Files.readString(launcher)).contains("jvm_opts+=(" + String.join(" ", ChildJvm.COLLECTOR) + ")");
    }
}
