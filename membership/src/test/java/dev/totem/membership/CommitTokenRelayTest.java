package dev.totem.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.wire.CommitEntry;
import dev.totem.protocol.wire.CommitToken;
import org.junit.jupiter.api.Test;

class CommitTokenRelayTest {
    private static final RingId NEW_RING = new RingId(1, 12);
    private static final CommitEntry MINE = new CommitEntry(new RingId(1, 8), 5, 4, true);

    private static Effect.Send sent(Effects effects) {
        return effects.list().stream().filter(e -> e instanceof Effect.Send).map(e -> (Effect.Send) e).findFirst()
                .orElseThrow();
    }

    @Test
    void theFirstLapFillsInOurEntryAndGoesToTheNextMemberWrappingAround() {
        CommitToken created = CommitTokenRelay.create(1, NEW_RING, new int[] {1, 4, 7});
        CommitTokenRelay first = new CommitTokenRelay(1, 10);
        CommitToken next = first.fillIn(created, MINE);
        assertThat(next.membIndex()).isEqualTo(1);
        assertThat(next.tokenSeq()).isEqualTo(1);
        assertThat(next.entries()[0]).isEqualTo(MINE);
        assertThat(next.entries()[1]).isEqualTo(CommitEntry.UNFILLED);
        Effects effects = new Effects();
        first.send(next, effects);
        assertThat(sent(effects).destination()).isEqualTo(4);

        CommitTokenRelay last = new CommitTokenRelay(7, 10);
        Effects lastEffects = new Effects();
        last.send(next, lastEffects);
        assertThat(sent(lastEffects).destination()).isEqualTo(1);
    }

    @Test
    void theLastTokenIsResentAndCopiesOfTakenTokensAreTold() {
        CommitTokenRelay relay = new CommitTokenRelay(1, 10);
        CommitToken created = CommitTokenRelay.create(1, NEW_RING, new int[] {1, 4});
        CommitToken next = relay.fillIn(created, MINE);
        relay.send(next, new Effects());
        Effects resent = new Effects();
        relay.resend(resent);
        assertThat(sent(resent).destination()).isEqualTo(4);
        assertThat(sent(resent).frame()).isEqualTo(next.encode());
        assertThat(relay.isCopy(created)).isTrue();
        assertThat(relay.isCopy(next)).isFalse();
    }

    @Test
    void aRingOfOneSendsAndResendsNothing() {
        CommitTokenRelay relay = new CommitTokenRelay(1, 10);
        CommitToken next = relay.fillIn(CommitTokenRelay.create(1, NEW_RING, new int[] {1}), MINE);
        Effects effects = new Effects();
        relay.sendSecondLap(next, effects);
        relay.resend(effects);
        assertThat(effects.isEmpty()).isTrue();
    }
}
