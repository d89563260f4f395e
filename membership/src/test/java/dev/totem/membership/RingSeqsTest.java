package dev.totem.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.RingSeqStore;
import org.junit.jupiter.api.Test;

class RingSeqsTest {
    @Test
    void aRestartedNodeCreatesNoRingIdItUsedBefore() {
        RingSeqStore store = RingSeqStore.inMemory();
        RingSeqs before = new RingSeqs(store);
        RingId boot = new RingId(1, before.boot());
        RingId committed = new RingId(1, before.next(boot));
        before.commit(committed);

        RingSeqs after = new RingSeqs(store);
        long bootSeq = after.boot();
        assertThat(bootSeq).isGreaterThan(committed.seq());
        assertThat(after.next(new RingId(1, bootSeq))).isGreaterThan(committed.seq());
    }

    @Test
    void aNewRingIsAboveEveryRingSeen() {
        RingSeqs seqs = new RingSeqs(RingSeqStore.inMemory());
        RingId boot = new RingId(1, seqs.boot());
        seqs.saw(new RingId(3, 40));
        assertThat(seqs.next(boot)).isEqualTo(44);
        assertThat(seqs.isAboveCommitted(new RingId(3, 40))).isTrue();
        seqs.commit(new RingId(3, 40));
        assertThat(seqs.isAboveCommitted(new RingId(3, 40))).isFalse();
    }
}
