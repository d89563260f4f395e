package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ProcessSchedulingTest {
    /** /proc/PID/stat field 41: the scheduling policy; 2 is SCHED_RR. */
    private static final int POLICY_FIELD = 41;
    private static final String SCHED_RR = "2";
    /** /proc/PID/stat field 19: the nice value. */
    private static final int NICE_FIELD = 19;

    /** Field {@code n} (1-based, as in proc(5)) of /proc/PID/stat. */
    private static String statField(long pid, int n) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name, which ends at the last ')': field 3 is the first.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return fields[n - 3];
    }

    @Test
    void everyThreadOfTheProcessIsAskedForAtTheLowestRealTimePriority() throws Exception {
        List<List<String>> ran = new ArrayList<>();
        ProcessScheduling.Outcome outcome = new ProcessScheduling(command -> {
            ran.add(command);
            return new ProcessScheduling.Finished(0, "");
        }).realTime(4242);

        assertThat(ran).containsExactly(List.of("chrt", "--rr", "--all-tasks", "--pid", "1", "4242"));
        assertThat(outcome.applied()).isTrue();
        assertThat(outcome.description()).isEqualTo(
                "every thread of process 4242 runs under SCHED_RR priority 1 (system.sched_rr)");
    }

    @Test
    void aRefusalIsReportedWithChrtsOwnWordsAndTheNodeRunsOn() throws Exception {
        ProcessScheduling.Outcome outcome = new ProcessScheduling(command -> new ProcessScheduling.Finished(1,
                "chrt: failed to set pid 4242's policy:\n  Operation not permitted\n")).realTime(4242);

        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.description()).isEqualTo("system.sched_rr is yes, but 'chrt --rr --all-tasks --pid 1 4242'"
                + " exited with 1: chrt: failed to set pid 4242's policy: Operation not permitted (real-time scheduling"
                + " needs root or CAP_SYS_NICE); running with normal scheduling");
    }

    @Test
    void aMissingChrtIsReportedAsSuch() throws Exception {
        ProcessScheduling.Outcome outcome = new ProcessScheduling(command -> {
            throw new IOException("Cannot run program \"chrt\": error=2, No such file or directory");
        }).realTime(7);

        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.description()).contains("could not run (Cannot run program \"chrt\"")
                .contains("chrt is in util-linux").endsWith("running with normal scheduling");
    }

    @Test
    void aNiceValueGoesToEveryThreadListedInOneCommand() throws Exception {
        List<List<String>> ran = new ArrayList<>();
        ProcessScheduling.Outcome outcome = new ProcessScheduling(command -> {
            ran.add(command);
            return new ProcessScheduling.Finished(0, "4242 (process ID) old priority 0, new priority -20\n");
        }).nice(4242, List.of(4242L, 4243L, 4250L), -20);

        assertThat(ran).containsExactly(List.of("renice", "-n", "-20", "-p", "4242", "4243", "4250"));
        assertThat(outcome.applied()).isTrue();
        assertThat(outcome.description()).isEqualTo("the 3 threads of process 4242 run at nice -20 (system.priority)");
    }

    @Test
    void aRefusedNiceValueIsReportedAndTheNodeRunsOn() throws Exception {
        ProcessScheduling.Outcome outcome = new ProcessScheduling(command -> new ProcessScheduling.Finished(1,
                "renice: failed to set priority for 9 (process ID): Permission denied")).nice(9, List.of(9L), -5);

        assertThat(outcome.applied()).isFalse();
        assertThat(outcome.description()).isEqualTo("system.priority is -5, but 'renice -n -5 -p 9' exited with 1: renice:"
                + " failed to set priority for 9 (process ID): Permission denied (a negative nice value needs root or"
                + " CAP_SYS_NICE); running at the nice value it started with");
    }

    @Test
    void withTheRightToDoItEveryThreadOfAChildProcessGetsTheNiceValue() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            ProcessScheduling.Outcome outcome = new ProcessScheduling().nice(sleeper.pid(), 7);
            assertThat(outcome.applied()).as(outcome.description()).isTrue(); // a positive value needs no rights

            assertThat(statField(sleeper.pid(), NICE_FIELD)).isEqualTo("7");
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void withTheRightToDoItAChildProcessEndsUpUnderSchedRr() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            ProcessScheduling.Outcome outcome = new ProcessScheduling().realTime(sleeper.pid());
            Assumptions.assumeTrue(outcome.applied(), "not permitted here: " + outcome.description());

            assertThat(statField(sleeper.pid(), POLICY_FIELD)).isEqualTo(SCHED_RR);
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }
}
