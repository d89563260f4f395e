package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.Reason;
import dev.totem.simulator.check.CpgHistory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-line account of a CPG history a run prints before its verdict. */
class CpgSummaryTest {
    @Test
    void countsProcessesJoinsLeavesExitsAndConfchgs() {
        CpgHistory h = new CpgHistory();
        CpgAddress a = new CpgAddress(1, 11, Reason.JOIN);
        h.join(1, 1, 11, "g");
        h.confchg(2, 1, 11, "g", "r1:4@1", List.of(CpgAddress.member(1, 11)), List.of(), List.of(a));
        h.join(3, 2, 21, "g");
        h.mcast(4, 2, 21, "g", "m1");
        h.leave(5, 1, 11, "g");
        h.gone(6, 2, 21);
        h.crash(7, 3);
        assertThat(HistoryJudge.cpgSummary(h, 4))
                .isEqualTo("cpg: 2 processes (4 client processes started), 2 joins, 1 leaves, 1 exits, 1 confchgs delivered");
    }
}
