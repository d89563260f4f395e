package dev.totem.node.cpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who may use a node's CPG socket, for given credentials. */
class PeerPolicyTest {
    private final PeerPolicy policy = PeerPolicy.of(Set.of(1000), Set.of(189));

    @Test
    void rootAListedUidAndAListedGroupAreAllowed() {
        assertThat(policy.refusal(new PeerCredentials(10, 0, List.of(0)))).isEmpty();
        assertThat(policy.refusal(new PeerCredentials(10, 1000, List.of(1000)))).isEmpty();
        assertThat(policy.refusal(new PeerCredentials(10, 1001, List.of(189)))).isEmpty();
    }

    @Test
    void anyOtherPeerIsRefusedWithItsIdsAndTheAllowedOnes() {
        assertThat(policy.refusal(new PeerCredentials(10, 1001, List.of(1001)))).hasValueSatisfying(reason ->
                assertThat(reason).contains("uid 1001", "gids [1001]", "uids [1000]", "gids [189]", "root"));
    }

    @Test
    void rootIsRefusedOnlyWhenTheRuleIsOff() {
        assertThat(policy.withRootAllowed(false).refusal(new PeerCredentials(10, 0, List.of(0)))).isPresent();
    }
}
