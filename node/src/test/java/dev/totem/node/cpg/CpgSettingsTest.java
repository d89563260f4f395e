package dev.totem.node.cpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.totem.cpg.CpgConfig;
import org.junit.jupiter.api.Test;

class CpgSettingsTest {

    @Test
    void theDefaultsKeepAClientsOwnStreamUnderItsDisconnectionBound() {
        CpgSettings s = CpgSettings.embedded();
        assertThat(s.holdBackBytes() + s.config().inflightBytesMax() + s.config().messageBytesMax())
                .isLessThanOrEqualTo(s.connectionOutboundBytesMax());
    }

    @Test
    void aBoundTooSmallForTheMessagesInFlightIsRefusedWithTheBoundThatWouldDo() {
        CpgConfig config = CpgConfig.defaults().withMessageBytesMax(1 << 10).withInflight(8192, 3 << 10);
        CpgSettings fits = CpgSettings.embedded().withConfig(config).withConnectionOutboundBytesMax(6 << 10);
        assertThat(fits.holdBackBytes()).isEqualTo(1536);

        assertThatThrownBy(() -> fits.withConnectionOutboundBytesMax(5460))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inflightBytesMax 3072")
                .hasMessageContaining("raise it to 5461");
        CpgSettings raised = fits.withConnectionOutboundBytesMax(5461);
        assertThat(raised.holdBackBytes() + 3072 + 1024).isLessThanOrEqualTo(raised.connectionOutboundBytesMax());
    }
}
