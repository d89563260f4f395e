package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./totem bench} against two real node processes: a figure per size, and the files. */
class BenchProcessesTest {
    private static final Pattern SIZE = Pattern.compile("size=(\\d+) msgs/s=(\\d+) MB/s=[0-9.]+ range=(\\d+)\\.\\.(\\d+) "
            + "p50=[0-9.]+ms p99=[0-9.]+ms p99\\.9=[0-9.]+ms cpu/node=\\d+%");

    @TempDir
    Path dir;

    @Test
    void twoNodesDeliverEverySizeAndTheRunWritesJsonAndCharts() throws Exception {
        CliRun cli = new CliRun();
        int code = cli.run("bench", "--nodes", "2", "--senders", "1", "--sizes", "64,3000", "--seconds", "1", "--warmup", "0",
                "--crypto", "off", "--out", dir.toString());
        String out = cli.out.toString();
        assertThat(code).as(out + cli.err).isZero();
        int sizes = 0;
        for (String line : out.split("\n")) {
            Matcher m = SIZE.matcher(line);
            if (m.find()) {
                sizes++;
                assertThat(Long.parseLong(m.group(2))).as(line).isPositive();
                assertThat(Long.parseLong(m.group(3))).isLessThanOrEqualTo(Long.parseLong(m.group(4)));
            }
        }
        assertThat(sizes).as(out).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("bench.json"))).contains("\"size\":64").contains("\"size\":3000");
        assertThat(dir.resolve("bench-throughput.svg")).exists();
    }

    @Test
    void badOptionsGetAClearError() {
        CliRun cli = new CliRun();
        assertThat(cli.run("bench", "--sizes", "8")).isNotZero();
        assertThat(cli.err.toString()).contains("sizes must be 13 to 1048576 bytes");
        CliRun mode = new CliRun();
        assertThat(mode.run("bench", "--mode", "shm")).isNotZero();
        assertThat(mode.err.toString()).contains("--mode must be embedded, cpg or ipc");
    }

    @Test
    void aNodeThatRefusesItsConfigurationEndsTheRunWithItsReason() {
        CliRun cli = new CliRun();
        // netmtu passes the bench's checks but not the node's: the daemons exit at once, and the
        // run says why instead of waiting a minute for clients that cannot connect.
        int code = cli.run("bench", "--mode", "ipc", "--nodes", "2", "--senders", "2", "--sizes", "100", "--seconds", "1",
                "--netmtu", "65536", "--out", dir.toString());
        assertThat(code).isNotZero();
        assertThat(cli.err.toString()).contains("exited with 1", "netmtu", "65536", "576..65535", "its log is");
    }

    @Test
    void ipcModeRunsDaemonsAndCpgClientProcesses() throws Exception {
        CliRun cli = new CliRun();
        // A longer window than the embedded case: four JVMs share the machine, and the clients' first
        // seconds run cold code.
        int code = cli.run("bench", "--mode", "ipc", "--nodes", "2", "--senders", "2", "--sizes", "100", "--seconds", "3",
                "--warmup", "1", "--crypto", "off", "--out", dir.toString());
        String out = cli.out.toString();
        assertThat(code).as(out + cli.err).isZero();
        assertThat(out).contains("CPG clients over IPC");
        Matcher m = SIZE.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Long.parseLong(m.group(2))).as(out).isPositive();
        assertThat(dir.resolve("client1.log")).exists();
        assertThat(Files.readString(dir.resolve("node1.log"))).contains("formed");
    }
}
