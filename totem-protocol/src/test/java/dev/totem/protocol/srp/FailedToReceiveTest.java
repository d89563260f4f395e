package dev.totem.protocol.srp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.pack.Assembler;
import dev.totem.protocol.wire.OrfTokenFrame;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Node 2 of ring {1, 2} never receives frame 1, which the token says exists: failed-to-receive
 * needs both {@code failRecvConst} ms and enough fresh token visits for a retransmission to have
 * been asked for and served.
 */
class FailedToReceiveTest {
    private static final long MS = 1_000_000L;
    private final TotemConfig config = TotemConfig.defaults();
    private final RingId ring = new RingId(1, 4);
    private final OperationalRing node2 = new OperationalRing(config, 2, ring, new int[] {1, 2}, 0,
            new SendQueue(config.sendQueueFramesMax()), new Assembler(config.messageBytesMax()), new SrpStats());
    private long tokenSeq;

    /** A token from node 1 saying frame 1 exists, and that node 1 holds it (aru 1). */
    private void visit(long nowNanos) {
        byte[] frame = new byte[OrfTokenFrame.length(0)];
        new OrfTokenFrame().wrap(ByteBuffer.wrap(frame), 0).init(1, 0).ringRep(ring.rep()).ringSeq(ring.seq())
                .tokenSeq(++tokenSeq).seq(1).aru(1).aruAddr(0).backlog(0).fcc(0).retransFlag(false);
        node2.onToken(nowNanos, ByteBuffer.wrap(frame), 0, new Effects());
    }

    @Test
    void manyVisitsOverTheTimeLimitWithoutTheFrameAreAFailureToReceive() {
        // The first visit only notes the aru; the clock starts at the second.
        int visits = OperationalRing.FAIL_RECV_MISS_ROUNDS * config.missCountConst();
        long step = config.failRecvConst() * MS / visits;
        long now = 0;
        for (int i = 0; i <= visits + 2; i++) {
            now = i * step;
            visit(now);
        }
        assertThat(node2.myAru()).isZero();
        assertThat(node2.failedToReceive(now)).isTrue();
    }

    @Test
    void manyVisitsWithinTheTimeLimitAreNotYetAFailure() {
        long now = 0;
        for (int i = 0; i < 100; i++) {
            now = i * MS;
            visit(now);
        }
        assertThat(node2.failedToReceive(now)).isFalse();
    }

    @Test
    void aTokenThatStallsIsNotTakenForFramesThatNeverArrive() {
        // Three visits, then the token is lost on every network until token_retransmit, twice.
        visit(0);
        visit(50 * MS);
        visit(100 * MS);
        long now = (config.failRecvConst() + 500) * MS;
        visit(now);
        assertThat(node2.failedToReceive(now)).isFalse();
    }
}
