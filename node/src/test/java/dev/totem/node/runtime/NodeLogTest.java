package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class NodeLogTest {
    @Test
    void theConsoleFormatIsOneLinePerEvent() {
        LogRecord r = new LogRecord(Level.INFO, "[node 2] ring 1:12 formed: members [1, 2, 3] joined [3] left []");

        String line = new NodeLog.OneLineFormatter().format(r);

        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO \\[node 2\\] ring 1:12 formed: .*\\R")
                .hasLineCount(1);
    }

    @Test
    void aLimiterLetsOneLinePerSecondThroughAndCountsTheRest() {
        NodeLog.Limiter limiter = new NodeLog.Limiter();

        assertThat(limiter.admit(0)).isZero();
        assertThat(limiter.admit(1)).isEqualTo(-1);
        assertThat(limiter.admit(NodeLog.RATE_LIMIT_NANOS - 1)).isEqualTo(-1);
        assertThat(limiter.admit(NodeLog.RATE_LIMIT_NANOS)).isEqualTo(2);
        assertThat(limiter.admit(3 * NodeLog.RATE_LIMIT_NANOS)).isZero();
    }
}
