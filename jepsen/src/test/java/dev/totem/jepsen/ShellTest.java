package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellTest {
    @TempDir
    Path dir;

    private Path executable(Path folder, String name) throws IOException {
        Files.createDirectories(folder);
        Path file = Files.writeString(folder.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void namesTheCommandsNoDirectoryOfThePathHolds() throws IOException {
        executable(dir.resolve("a"), "ip");
        String path = dir.resolve("a") + File.pathSeparator + dir.resolve("empty");
        assertThat(Shell.missingCommands(path)).containsExactly("nft");
    }

    @Test
    void findsEachCommandInWhicheverDirectoryHoldsIt() throws IOException {
        executable(dir.resolve("a"), "ip");
        executable(dir.resolve("b"), "nft");
        assertThat(Shell.missingCommands(dir.resolve("a") + File.pathSeparator + dir.resolve("b"))).isEmpty();
    }

    @Test
    void aFileThatCannotBeRunDoesNotCount() throws IOException {
        executable(dir, "ip");
        Files.writeString(dir.resolve("nft"), "not executable");
        assertThat(Shell.missingCommands(dir.toString())).containsExactly("nft");
    }

    @Test
    void noPathMissesEverything() {
        assertThat(Shell.missingCommands(null)).containsExactly("ip", "nft");
    }
}
