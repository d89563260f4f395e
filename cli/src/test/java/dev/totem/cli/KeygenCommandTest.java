package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.crypto.KeyFile;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./totem keygen} in-process, in a temporary directory. */
class KeygenCommandTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();
    private final StringWriter out = cli.out;
    private final StringWriter err = cli.err;

    private int keygen(String... args) {
        return cli.run(Main.withErrorHandling(new CommandLine(new KeygenCommand(dir, new SecureRandom()))), args);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void writes256BytesToAuthkeyHereWithMode0400() throws Exception {
        assertThat(keygen()).isZero();

        Path key = dir.resolve("authkey");
        assertThat(Files.size(key)).isEqualTo(256);
        assertThat(mode(key)).isEqualTo("r--------");
        assertThat(out.toString()).isEqualTo("wrote a 256-byte key to " + key
                + " (mode 0400); copy it to every node of the cluster" + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
        assertThat(KeyFile.load(key).length()).isEqualTo(256);
    }

    @Test
    void lengthAndOutputAreHonoured() throws Exception {
        assertThat(keygen("-o", "small.key", "-l", "128")).isZero();
        assertThat(keygen("--output", dir.resolve("large.key").toString(), "--length", "4096")).isZero();

        assertThat(Files.size(dir.resolve("small.key"))).isEqualTo(128);
        assertThat(Files.size(dir.resolve("large.key"))).isEqualTo(4096);
        assertThat(KeyFile.load(dir.resolve("large.key")).length()).isEqualTo(4096);
    }

    @Test
    void lengthOutOfRangeIsAUsageError() {
        assertThat(keygen("-l", "127")).isEqualTo(2);
        assertThat(keygen("-l", "4097")).isEqualTo(2);

        assertThat(err.toString().lines()).hasSize(2).first().asString()
                .isEqualTo("totem: --length 127 is out of range: a key has 128 to 4096 bytes (default 256)"
                        + " (see ./keygen --help)");
        assertThat(dir.resolve("authkey")).doesNotExist();
    }

    @Test
    void refusesToOverwriteAnExistingFile() throws Exception {
        Path key = dir.resolve("authkey");
        Files.write(key, new byte[] {1, 2, 3});

        assertThat(keygen()).isEqualTo(1);

        assertThat(err.toString().lines())
                .containsExactly("totem: " + key + " already exists; not overwriting it (use --force to replace it)");
        assertThat(Files.readAllBytes(key)).containsExactly(1, 2, 3);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void forceReplacesTheKeyAndLeavesNothingBehind() throws Exception {
        assertThat(keygen()).isZero();
        Path key = dir.resolve("authkey");
        byte[] first = Files.readAllBytes(key);
        out.getBuffer().setLength(0);

        assertThat(keygen("--force", "-l", "512")).isZero();

        assertThat(Files.readAllBytes(key)).hasSize(512).isNotEqualTo(first);
        assertThat(mode(key)).isEqualTo("r--------");
        assertThat(out.toString()).contains("(mode 0400, replacing the old key)");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(key);
        }
    }

    @Test
    void forceWithoutAnOldFileJustWrites() throws Exception {
        assertThat(keygen("--force")).isZero();

        assertThat(Files.size(dir.resolve("authkey"))).isEqualTo(256);
        assertThat(out.toString()).doesNotContain("replacing");
    }

    @Test
    void aMissingDirectoryIsCreated() throws Exception {
        Path key = dir.resolve("no/such/dir/authkey");

        assertThat(keygen("-o", key.toString())).isEqualTo(0);

        assertThat(Files.size(key)).isEqualTo(KeyFile.DEFAULT_BYTES);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("r--------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent()))).isEqualTo("rwxr-xr-x");
        assertThat(out.toString()).startsWith("created directory " + key.getParent() + " (mode 0755)");
    }

    @Test
    void aFileInThePathIsOneLine() throws Exception {
        Files.writeString(dir.resolve("plain"), "x");
        Path key = dir.resolve("plain/authkey");

        assertThat(keygen("-o", key.toString())).isEqualTo(1);

        assertThat(err.toString().lines())
                .containsExactly("totem: cannot write " + key + ": " + dir.resolve("plain") + " is not a directory");
    }

    @Test
    void aDirectoryIsNotReplaced() {
        assertThat(keygen("-o", ".", "--force")).isEqualTo(1);

        assertThat(err.toString()).startsWith("totem: " + dir + " is a directory");
    }

    @Test
    void twoKeysDiffer() throws Exception {
        keygen("-o", "a");
        keygen("-o", "b");

        assertThat(Files.readAllBytes(dir.resolve("a"))).isNotEqualTo(Files.readAllBytes(dir.resolve("b")));
    }

    @Test
    void isRegisteredInTheLauncher() {
        assertThat(Main.commandLine().getSubcommands()).containsKey("keygen");
    }
}
