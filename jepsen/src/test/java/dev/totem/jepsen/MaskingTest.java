package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.simulator.check.History;
import dev.totem.simulator.check.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** rrp-masking in a jepsen run whose only fault is one network failing at a time. */
class MaskingTest {
    @Test
    void aRegularConfigurationOnceTheFaultsBeganIsAViolationPerNodeAndStartupRingsAreNot() {
        History history = new History();
        history.config(1, 1, ConfigurationKind.REGULAR, "1:1", new int[] {1});
        history.config(1, 1, ConfigurationKind.REGULAR, "1:5", new int[] {1, 2});
        history.config(2, 2, ConfigurationKind.REGULAR, "1:5", new int[] {1, 2});
        history.config(3, 1, ConfigurationKind.TRANSITIONAL, "1:9", new int[] {1, 2});
        history.config(4, 1, ConfigurationKind.REGULAR, "1:9", new int[] {1, 2});
        history.deliver(5, 2, "n1.0-1", 1, dev.totem.protocol.api.Guarantee.AGREED, "1:5");

        List<Violation> v = HistoryJudge.masking(history, 3);

        assertThat(v).extracting(Violation::property).containsExactly("rrp-masking");
        assertThat(v.get(0).detail()).contains("node 1 installed 1 regular configurations after the faults began");
    }
}
