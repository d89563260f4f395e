package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRingSeqStoreTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileReadsAsZeroAndTheDirectoryIsCreated() {
        Path state = dir.resolve("a/b");
        FileRingSeqStore store = new FileRingSeqStore(state, 7);

        assertThat(store.load()).isZero();
        assertThat(state).isDirectory();
        assertThat(store.file()).isEqualTo(state.resolve("ringid_7"));
    }

    @Test
    void aStoredSeqIsEightBytesBigEndianAndSurvivesANewStore() throws Exception {
        new FileRingSeqStore(dir, 3).store(0x0102030405060708L);

        byte[] bytes = Files.readAllBytes(dir.resolve("ringid_3"));
        assertThat(bytes).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(new FileRingSeqStore(dir, 3).load()).isEqualTo(0x0102030405060708L);
        assertThat(dir.resolve("ringid_3.tmp")).doesNotExist();
    }

    @Test
    void aStoreReplacesTheOldValue() {
        FileRingSeqStore store = new FileRingSeqStore(dir, 1);
        store.store(12);
        store.store(16);

        assertThat(store.load()).isEqualTo(16);
    }

    @Test
    void aFileOfTheWrongSizeStopsTheNodeRatherThanGuess() throws Exception {
        Files.write(dir.resolve("ringid_2"), ByteBuffer.allocate(4).putInt(5).array());

        assertThatThrownBy(() -> new FileRingSeqStore(dir, 2).load()).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("ringid_2").hasMessageContaining("4 bytes instead of 8");
    }
}
