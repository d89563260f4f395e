package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class RealTimeSchedulingTest {
    /** /proc/PID/stat field 41: the scheduling policy; 2 is SCHED_RR. */
    private static final int POLICY_FIELD = 41;
    private static final String SCHED_RR = "2";

    @Test
    void everyThreadOfTheProcessIsAskedForAtTheLowestRealTimePriority() throws Exception {
        List<List<String>> ran = new ArrayList<>();
        RealTimeScheduling.Outcome outcome = new RealTimeScheduling(command -> {
            ran.add(command);
            return new RealTimeScheduling.Finished(0, "");
        }).apply(4242);

        assertThat(ran).containsExactly(List.of("chrt", "--rr", "--all-tasks", "--pid", "1", "4242"));
        assertThat(outcome.applied()).isTrue();
        assertThat(outcome.description()).isEqualTo(
                "every thread of process 4242 runs under SCHED_RR priority 1 (system.sched_rr)");
    }

    @Test
    void aRefusalIsReportedWithChrtsOwnWordsAndTheNodeRunsOn() throws Exception {
        RealTimeScheduling.Outcome outcome = new RealTimeScheduling(command -> new RealTimeScheduling.Finished(1,
                "chrt: failed to set pid 4242's policy:\n  Operation not permitted\n")).apply(4242);

        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.description()).isEqualTo("system.sched_rr is yes, but 'chrt --rr --all-tasks --pid 1 4242'"
                + " exited with 1: chrt: failed to set pid 4242's policy: Operation not permitted (real-time scheduling"
                + " needs root or CAP_SYS_NICE); running with normal scheduling");
    }

    @Test
    void aMissingChrtIsReportedAsSuch() throws Exception {
        RealTimeScheduling.Outcome outcome = new RealTimeScheduling(command -> {
            throw new IOException("Cannot run program \"chrt\": error=2, No such file or directory");
        }).apply(7);

        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.description()).contains("could not run (Cannot run program \"chrt\"")
                .contains("chrt is in util-linux").endsWith("running with normal scheduling");
    }

    @Test
    void withTheRightToDoItAChildProcessEndsUpUnderSchedRr() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            RealTimeScheduling.Outcome outcome = new RealTimeScheduling().apply(sleeper.pid());
            Assumptions.assumeTrue(outcome.applied(), "not permitted here: " + outcome.description());

            String stat = Files.readString(Path.of("/proc/" + sleeper.pid() + "/stat"));
            // Fields after the command name, which ends at the last ')': field 3 is the first.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            assertThat(fields[POLICY_FIELD - 3]).isEqualTo(SCHED_RR);
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }
}
