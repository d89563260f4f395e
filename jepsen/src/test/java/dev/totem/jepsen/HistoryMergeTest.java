package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryMergeTest {
    @TempDir
    Path dir;

    @Test
    void mergesByTimeKeepingEachFilesOrderAndTheFileOrderOnTies() throws Exception {
        Path nemesis = write("nemesis.jsonl", "{\"t\":5,\"node\":0,\"ev\":\"heal\"}\n{\"t\":20,\"node\":2,\"ev\":\"crash\"}\n");
        Path node = write("node2.0.jsonl", "{\"t\":1,\"node\":2,\"ev\":\"start\"}\n{\"t\":5,\"node\":2,\"ev\":\"a\"}\n"
                + "{\"t\":19,\"node\":2,\"ev\":\"b\"}\n");
        Path merged = dir.resolve("history.jsonl");
        HistoryMerge.Result r = HistoryMerge.merge(List.of(nemesis, node), merged);
        assertThat(r.lines()).isEqualTo(5);
        assertThat(r.partialLinesDropped()).isZero();
        assertThat(Files.readAllLines(merged)).extracting(l -> l.replaceAll(".*\"ev\":\"([a-z]+)\".*", "$1"))
                .containsExactly("start", "heal", "a", "b", "crash");
    }

    @Test
    void dropsTheCutShortLastLineOfAKilledProcess() throws Exception {
        Path node = write("node1.0.jsonl", "{\"t\":1,\"node\":1,\"ev\":\"start\"}\n{\"t\":2,\"node\":1,\"ev\":\"deli");
        Path merged = dir.resolve("history.jsonl");
        HistoryMerge.Result r = HistoryMerge.merge(List.of(node, dir.resolve("never-written.jsonl")), merged);
        assertThat(r.lines()).isEqualTo(1);
        assertThat(r.partialLinesDropped()).isEqualTo(1);
    }

    @Test
    void aLineWithoutLeadingTimeIsAnErrorNamingFileAndLine() throws Exception {
        Path node = write("node1.0.jsonl", "{\"t\":1,\"node\":1,\"ev\":\"start\"}\n{\"node\":1,\"t\":2}\n");
        assertThatThrownBy(() -> HistoryMerge.merge(List.of(node), dir.resolve("h.jsonl")))
                .hasMessageContaining("node1.0.jsonl line 2");
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
