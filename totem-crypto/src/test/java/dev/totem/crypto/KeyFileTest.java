package dev.totem.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
    @TempDir
    Path dir;

    private Path keyFile(int size, String mode) throws IOException {
        Path path = dir.resolve("authkey");
        Files.write(path, new byte[size]);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        return path;
    }

    @Test
    void mode0400IsAccepted() throws Exception {
        Path path = keyFile(256, "r--------");

        KeyFile key = KeyFile.load(path);

        assertThat(key.length()).isEqualTo(256);
        assertThat(key.toString()).isEqualTo("KeyFile[" + path + ", 256 bytes]");
    }

    @Test
    void mode0600IsAccepted() throws Exception {
        assertThat(KeyFile.load(keyFile(128, "rw-------")).length()).isEqualTo(128);
    }

    @Test
    void mode0644IsRejectedWithTheChmodToRun() throws Exception {
        Path path = keyFile(256, "rw-r--r--");

        assertThatThrownBy(() -> KeyFile.load(path))
                .isInstanceOf(CryptoConfigException.class)
                .hasMessage("key file " + path + " has mode 0644, so group or others may read or write it: run chmod"
                        + " 0400 " + path + " (and keep it owned by the user running totem)");
    }

    @Test
    void writableByGroupIsRejected() throws Exception {
        Path path = keyFile(256, "r---w----");

        assertThatThrownBy(() -> KeyFile.load(path)).hasMessageContaining("has mode 0420");
    }

    @Test
    void tooSmallNamesTheSizeAndTheRange() throws Exception {
        Path path = keyFile(127, "r--------");

        assertThatThrownBy(() -> KeyFile.load(path))
                .isInstanceOf(CryptoConfigException.class)
                .hasMessage("key file " + path + " has 127 bytes, but a key needs 128 to 4096 bytes: generate one"
                        + " with ./totem keygen (default 256 bytes)");
    }

    @Test
    void tooLargeNamesTheSize() throws Exception {
        Path path = keyFile(4097, "r--------");

        assertThatThrownBy(() -> KeyFile.load(path)).hasMessageContaining("has 4097 bytes, but a key needs 128 to 4096");
    }

    @Test
    void limitsAreInclusive() throws Exception {
        assertThat(KeyFile.load(keyFile(4096, "r--------")).length()).isEqualTo(4096);
        Files.delete(dir.resolve("authkey"));
        assertThat(KeyFile.load(keyFile(128, "r--------")).length()).isEqualTo(128);
    }

    @Test
    void missingFileSaysHowToCreateIt() {
        Path path = dir.resolve("nope");

        assertThatThrownBy(() -> KeyFile.load(path))
                .isInstanceOf(CryptoConfigException.class)
                .hasMessage("key file " + path + " does not exist: create it with ./totem keygen -o " + path
                        + " and copy it to every node");
    }

    @Test
    void directoryIsNotAKeyFile() {
        assertThatThrownBy(() -> KeyFile.load(dir)).hasMessageContaining("is not a regular file");
    }

    @Test
    void inlineKeyChecksTheSize() throws Exception {
        assertThat(KeyFile.of(new byte[200]).length()).isEqualTo(200);
        assertThatThrownBy(() -> KeyFile.of(new byte[16]))
                .hasMessageStartingWith("inline key has 16 bytes, but a key needs 128 to 4096 bytes");
    }

    @Test
    void derivationIsDeterministicAndSeparatesClusters() throws Exception {
        KeyFile key = KeyFile.of(TestKeys.keyBytes(1));

        FrameKey a = key.derive("alpha");
        assertThat(key.derive("alpha").sameKeyAs(a)).isTrue();
        assertThat(key.derive("alpha").keyId()).isEqualTo(a.keyId());
        FrameKey b = key.derive("beta");
        assertThat(b.keyId()).isNotEqualTo(a.keyId());
        assertThat(b.sameKeyAs(a)).isFalse();
        assertThat(KeyFile.of(TestKeys.keyBytes(2)).derive("alpha").keyId()).isNotEqualTo(a.keyId());
    }

    @Test
    void toStringNeverShowsKeyBytes() throws Exception {
        FrameKey key = KeyFile.of(TestKeys.keyBytes(1)).derive("alpha");

        assertThat(key.toString()).matches("FrameKey\\[id=0x[0-9a-f]{8}\\]");
    }
}
