package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
