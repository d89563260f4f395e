package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.CpgConfig;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.node.cpg.CpgSettings;
import dev.totem.node.runtime.NodeRunner;
import dev.totem.node.runtime.TotemNode;
import dev.totem.node.runtime.Transport;
import dev.totem.protocol.api.TotemConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.assertj.core.data.Percentage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./totem cpgbench}: embedded, through a node's socket, and its refusals. */
class CpgbenchCommandTest {
    private static final Pattern TEXT = Pattern.compile("size=(\\d+) msgs/s=(\\d+) MB/s=(\\d+\\.\\d\\d)");
    private static final Pattern JSON = Pattern.compile("\\{\"size\":(\\d+),\"messages\":(\\d+),\"seconds\":([\\d.]+),"
            + "\"msgs_per_s\":([\\d.]+),\"mb_per_s\":([\\d.]+),\"group\":\"(.*)\",\"guarantee\":\"(\\w+)\",\"clients\":(\\d+),"
            + "\"target\":\"(\\w+)\"}");

    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    @Test
    void embeddedPrintsOneLinePerSizeWithDeliveredMessages() {
        assertThat(cli.run("cpgbench", "--embedded", "--sizes", "64,1600", "--seconds", "1")).as(cli.err.toString()).isZero();

        List<String> lines = cli.out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Matcher m = TEXT.matcher(lines.get(i));
            assertThat(m.matches()).as(lines.get(i)).isTrue();
            int size = Integer.parseInt(m.group(1));
            long rate = Long.parseLong(m.group(2));
            assertThat(size).isEqualTo(i == 0 ? 64 : 1600);
            assertThat(rate).isPositive();
            assertThat(Double.parseDouble(m.group(3))).isCloseTo(rate * size / 1e6, Offset.offset(0.01));
        }
        assertThat(cli.err.toString()).contains("cpgbench: size 64 B (1 of 2)", "cpgbench: size 1600 B (2 of 2)");
    }

    @Test
    void throughTheSocketItSendsToTheNamedGroupAndWritesJson() throws Exception {
        Path socket = dir.resolve("cpg.sock");
        CpgSettings settings = CpgSettings.embedded().withSocket(socket)
                .withConfig(CpgConfig.defaults().withMessageBytesMax(4096));
        try (TotemNode node = new TotemNode(NodeRunner.loopbackCluster(Transport.UDPU, 1, dir.resolve("state"),
                TotemConfig.defaults()).get(0).cpg(settings).build())) {
            node.start();
            Set<Integer> sizesSeen = ConcurrentHashMap.newKeySet();
            CpgHandle watcher = node.cpg().orElseThrow().open(new CpgListener() {
                @Override
                public void onDeliver(CpgEvent.Deliver deliver) {
                    sizesSeen.add(deliver.length());
                }

                @Override
                public void onConfchg(CpgEvent.Confchg confchg) {}
            });
            Awaitility.await("the watcher joins").atMost(Duration.ofSeconds(30)).until(() -> watcher.join("bench \"one\"").ok());

            assertThat(cli.run("cpgbench", "--socket", socket.toString(), "--sizes", "64,4096", "--seconds", "1", "--json",
                    "--guarantee", "safe", "--group", "bench \"one\"")).as(cli.err.toString()).isZero();

            List<String> lines = cli.out.toString().lines().toList();
            assertThat(lines).hasSize(2);
            for (int i = 0; i < 2; i++) {
                Matcher m = JSON.matcher(lines.get(i));
                assertThat(m.matches()).as(lines.get(i)).isTrue();
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(i == 0 ? 64 : 4096);
                long messages = Long.parseLong(m.group(2));
                double seconds = Double.parseDouble(m.group(3));
                assertThat(messages).isPositive();
                assertThat(Double.parseDouble(m.group(4))).isCloseTo(messages / seconds, Percentage.withPercentage(0.1));
                assertThat(m.group(6)).isEqualTo("bench \\\"one\\\"");
                assertThat(m.group(7)).isEqualTo("safe");
                assertThat(m.group(8)).isEqualTo("1");
                assertThat(m.group(9)).isEqualTo("socket");
            }
            assertThat(sizesSeen).as("what the group's other member delivered").contains(64, 4096);
            CpgResult left = watcher.leave("bench \"one\"");
            assertThat(left.ok()).isTrue();
            watcher.close();

            CliRun tooBig = new CliRun();
            assertThat(tooBig.run("cpgbench", "--socket", socket.toString(), "--sizes", "4097", "--seconds", "1")).isEqualTo(1);
            assertThat(tooBig.err.toString()).contains("totem: cpgbench: size 4097 B is above the node's largest message, 4096 B");
            assertThat(tooBig.out.toString()).isEmpty();
        }
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertThat(cli.run("cpgbench", "--embedded", "--sizes", "0")).isEqualTo(1);
        assertThat(cli.err.toString()).contains("totem: cpgbench: --sizes must be at least 1 byte each, got 0");

        CliRun both = new CliRun();
        assertThat(both.run("cpgbench", "--embedded", "--sizes", "64", "--corosync-sizes")).isEqualTo(2);
        assertThat(both.err.toString()).contains("mutually exclusive");

        CliRun guarantee = new CliRun();
        assertThat(guarantee.run("cpgbench", "--embedded", "--guarantee", "maybe")).isEqualTo(1);
        assertThat(guarantee.err.toString()).contains("totem: cpgbench: --guarantee must be agreed or safe, got 'maybe'");

        CliRun nobody = new CliRun();
        assertThat(nobody.run("cpgbench", "--socket", dir.resolve("none.sock").toString(), "--seconds", "1")).isEqualTo(1);
        assertThat(nobody.err.toString()).contains("totem: cpgbench: ").contains("none.sock");
    }

    @Test
    void corosyncSizesRunItsSequenceUpToAMillionBytes() {
        assertThat(cli.run("cpgbench", "--embedded", "--corosync-sizes", "--seconds", "1")).as(cli.err.toString()).isZero();

        List<Integer> sizes = cli.out.toString().lines().map(l -> {
            Matcher m = TEXT.matcher(l);
            assertThat(m.matches()).as(l).isTrue();
            assertThat(Long.parseLong(m.group(2))).as(l).isPositive();
            return Integer.parseInt(m.group(1));
        }).toList();
        assertThat(sizes).containsExactly(64, 320, 1600, 8000, 40_000, 200_000, 1_000_000);
        assertThat(cli.err.toString()).contains("cpgbench: size 1000000 B (7 of 7)");
    }
}
