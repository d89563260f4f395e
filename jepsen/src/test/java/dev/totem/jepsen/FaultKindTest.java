package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultKindTest {
    @Test
    void parsesTheCommandLineList() {
        assertThat(FaultKind.parseList("kill, pause,partition,LOSS"))
                .containsExactly(FaultKind.KILL, FaultKind.PAUSE, FaultKind.PARTITION, FaultKind.LOSS);
        assertThat(FaultKind.parseList("netfail")).containsExactly(FaultKind.NETFAIL);
        assertThat(FaultKind.parseList("stall")).containsExactly(FaultKind.STALL);
    }

    @Test
    void namesTheUnknownFaultAndTheKnownOnes() {
        assertThatThrownBy(() -> FaultKind.parseList("kill,crash")).hasMessageContaining("unknown fault 'crash'")
                .hasMessageContaining("kill, pause, partition, loss, netfail, stall");
        assertThatThrownBy(() -> FaultKind.parseList(" , ")).hasMessageContaining("lists no fault");
    }
}
