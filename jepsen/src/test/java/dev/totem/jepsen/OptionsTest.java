package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.simulator.run.Layer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run's options refuse before anything is built, each with the option to change. */
class OptionsTest {
    private static JepsenRun.Options options(int networks, String transport, IpFamily family) {
        return new JepsenRun.Options(3, 10, List.of(FaultKind.KILL), 1, Path.of("/tmp"), Path.of("/tmp/authkey"),
                List.of("java"), 100, false, networks, "passive", 0, Layer.ENGINE, List.of(), family, transport);
    }

    @Test
    void multicastRunsOverEitherFamilyAndSeveralNetworks() {
        assertThat(options(1, "udp", IpFamily.IPV4).transport()).isEqualTo("udp");
        assertThat(options(1, "udp", IpFamily.IPV6).family().mcastGroup()).isEqualTo("ff15::77:1");
        assertThat(IpFamily.IPV4.mcastGroup()).isEqualTo("239.192.77.1");
        assertThat(options(2, "udp", IpFamily.IPV4).networks()).isEqualTo(2);
    }

    @Test
    void anUnknownTransportIsNamed() {
        assertThatThrownBy(() -> options(1, "knet", IpFamily.IPV4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--transport must be udpu or udp, got 'knet'");
    }
}
