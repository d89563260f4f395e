package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repo's {@code ./totem} script, run in a copy of the tree's shape with a fake {@code mvn}
 * and a fake {@code java} on the PATH: when it builds, and which jar the JVM gets.
 */
class LauncherScriptTest {
    /** The script under test: the module runs in cli/, the script is at the repo root. */
    private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("totem");

    @TempDir
    Path root;

    private Path bin;
    private Path jar;
    private Path runJar;
    private Path source;
    private Path log;

    @BeforeEach
    void tree() throws IOException {
        Files.copy(SCRIPT, root.resolve("totem"));
        Files.setPosixFilePermissions(root.resolve("totem"), PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.createDirectories(root.resolve("cli/target")).resolve("totem.jar");
        runJar = jar.resolveSibling("totem-run.jar");
        source = Files.createDirectories(root.resolve("cli/src/main/java")).resolve("Main.java");
        Files.writeString(source, "class Main {}\n");
        Files.writeString(jar, "jar 1");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().minusSeconds(60)));
        log = root.resolve("calls.log");
        bin = Files.createDirectories(root.resolve("fake-bin"));
        // mvn: logs the call, takes a moment (so that launchers started together overlap), writes a new jar.
        script("mvn", "echo mvn >> '" + log + "'; sleep 1; echo \"jar built $$\" > '" + jar + "'");
        // java: logs the jar it was given.
        script("java", "while [ $# -gt 0 ]; do if [ \"$1\" = -jar ]; then echo \"java $2\" >> '" + log
                + "'; fi; shift; done");
    }

    private void script(String name, String body) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Process start(String... env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("totem").toString(), "version");
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("TOTEM_NO_BUILD");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("out.log").toFile()));
        return pb.start();
    }

    private int run(String... env) throws Exception {
        Process p = start(env);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher ends").isTrue();
        return p.exitValue();
    }

    /** A source changed after the jar was built. */
    private void sourceNewerThanJar() throws IOException {
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().minusSeconds(10)));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(30)));
    }

    private List<String> calls() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void anUpToDateJarRunsAsACopyWithoutBuilding() throws Exception {
        assertThat(run()).isZero();

        assertThat(calls()).containsExactly("java " + runJar);
        assertThat(Files.readString(runJar)).isEqualTo("jar 1");
    }

    @Test
    void aNewerSourceBuildsOnceAndTheCopyFollowsTheNewJar() throws Exception {
        sourceNewerThanJar();

        assertThat(run()).isZero();
        assertThat(run()).as("built: the second run builds nothing").isZero();

        assertThat(calls()).containsExactly("mvn", "java " + runJar, "java " + runJar);
        assertThat(Files.readString(runJar)).isEqualTo(Files.readString(jar)).startsWith("jar built");
    }

    @Test
    void noBuildRunsTheJarAsBuiltEvenWhenASourceIsNewer() throws Exception {
        sourceNewerThanJar();

        assertThat(run("TOTEM_NO_BUILD", "1")).isZero();

        assertThat(calls()).containsExactly("java " + runJar);
        assertThat(Files.readString(runJar)).isEqualTo("jar 1");
    }

    @Test
    void launchersStartedTogetherBuildOnce() throws Exception {
        sourceNewerThanJar();

        List<Process> launchers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            launchers.add(start());
        }
        for (Process p : launchers) {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }

        assertThat(calls()).filteredOn("mvn"::equals).hasSize(1);
        assertThat(Files.readAllLines(root.resolve("out.log"))).filteredOn(l -> l.startsWith("totem: building")).hasSize(1);
        assertThat(calls()).filteredOn(c -> c.startsWith("java ")).containsOnly("java " + runJar).hasSize(3);
    }
}
