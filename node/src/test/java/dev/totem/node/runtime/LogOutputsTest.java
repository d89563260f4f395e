package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.node.config.LoggingConfig;
import dev.totem.node.config.LoggingConfig.Debug;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file's {@code logging { }} section made real: outputs, detail, time stamps, replaced on reload. */
class LogOutputsTest {
    @TempDir
    Path dir;

    private final Logger root = Logger.getLogger("");
    private Handler[] before;
    private Level oursBefore;
    private final LogOutputs outputs = new LogOutputs();

    @BeforeEach
    void keepTheJvmsHandlers() {
        before = root.getHandlers();
        oursBefore = Logger.getLogger(LogOutputs.OUR_LOGGERS).getLevel();
    }

    @AfterEach
    void restoreThem() {
        outputs.close();
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        for (Handler h : before) {
            root.addHandler(h);
        }
        Logger.getLogger(LogOutputs.OUR_LOGGERS).setLevel(oursBefore);
    }

    private static LoggingConfig file(Path log, Debug debug, boolean timestamp) {
        return new LoggingConfig(false, true, Optional.of(log.toString()), debug, timestamp);
    }

    @Test
    void aLogFileGetsEveryLineAtOnceAndDebugFollowsTheFile() throws IOException {
        Path log = dir.resolve("totem.log");
        Files.writeString(log, "kept from before\n");
        NodeLog node = new NodeLog(3);

        assertThat(outputs.apply(file(log, Debug.OFF, false))).isEqualTo(log + ", debug off");
        node.info("ring 1:12 formed");
        node.debug("a detail");
        // Flushed line by line: readable before anything is closed.
        assertThat(Files.readAllLines(log)).containsExactly("kept from before", "INFO [node 3] ring 1:12 formed");

        assertThat(outputs.apply(file(log, Debug.ON, true))).isEqualTo(log + ", debug on");
        node.debug("another detail");
        assertThat(Files.readAllLines(log)).hasSize(3).last().asString()
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} FINE \\[node 3\\] another detail");
    }

    @Test
    void theLastOutputsAreReplacedWholeAndNothingElseOfOursRemains() throws IOException {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        outputs.apply(file(first, Debug.OFF, false));
        outputs.apply(file(second, Debug.OFF, false));

        new NodeLog(1).warning("only in the second");

        assertThat(Files.readString(first)).isEmpty();
        assertThat(Files.readString(second)).isEqualTo("WARNING [node 1] only in the second" + System.lineSeparator());
        assertThat(root.getHandlers()).hasSize(1);
        assertThat(outputs.apply(new LoggingConfig(false, false, Optional.empty(), Debug.OFF, false)))
                .isEqualTo("nowhere, debug off");
        assertThat(root.getHandlers()).isEmpty();
    }

    @Test
    void aLogFileThatCannotBeOpenedLeavesTheOutputsAsTheyWere() throws IOException {
        Path log = dir.resolve("totem.log");
        outputs.apply(file(log, Debug.OFF, false));
        Path missingDir = dir.resolve("no/such/dir/totem.log");

        assertThatThrownBy(() -> outputs.apply(file(missingDir, Debug.ON, false)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("cannot open the log file " + missingDir);

        new NodeLog(1).info("still here");
        assertThat(Files.readString(log)).contains("still here");
    }

    @Test
    void theFormatIsOneLinePerEventWithOrWithoutTheTime() {
        LogRecord r = new LogRecord(Level.INFO, "[node 2] ring 1:12 formed: members [1, 2, 3] joined [3] left []");

        assertThat(new LogOutputs.OneLineFormatter(true).format(r))
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO \\[node 2\\] ring 1:12 formed: .*\\R").hasLineCount(1);
        assertThat(new LogOutputs.OneLineFormatter(false).format(r)).startsWith("INFO [node 2] ring 1:12 formed:");
    }
}
