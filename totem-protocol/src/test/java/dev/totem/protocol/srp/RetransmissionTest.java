package dev.totem.protocol.srp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.pack.Assembler;
import dev.totem.protocol.wire.FrameType;
import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.McastFrame;
import dev.totem.protocol.wire.OrfTokenFrame;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Node 1 of ring {1, 2, 3} holds node 2's frame 1 and is asked for it again. */
class RetransmissionTest {
    private final TotemConfig config = TotemConfig.defaults();
    private final RingId ring = new RingId(1, 4);
    private final OperationalRing node1 = new OperationalRing(config, 1, ring, new int[] {1, 2, 3}, 0,
            new SendQueue(config.sendQueueFramesMax()), new Assembler(config.messageBytesMax()), new SrpStats());

    @Test
    void aFrameSentAgainNamesTheNodeThatSendsItAndKeepsItsOriginator() {
        byte[] frame = McastFrame.encode(2, ring, 1, 2, Guarantee.AGREED, false, new byte[8], 0, 8);
        node1.onMcast(0, frame, new Effects());

        byte[] token = new byte[OrfTokenFrame.length(1)];
        new OrfTokenFrame().wrap(ByteBuffer.wrap(token), 0).init(3, 1).ringRep(ring.rep()).ringSeq(ring.seq())
                .tokenSeq(1).seq(1).aru(0).aruAddr(3).backlog(0).fcc(0).retransFlag(false).rtrSeq(0, 1);
        Effects out = new Effects();
        node1.onToken(1, ByteBuffer.wrap(token), 0, out);

        List<byte[]> resent = out.list().stream().filter(e -> e instanceof Effect.Send s && s.destination() == Effect.MULTICAST)
                .map(e -> ((Effect.Send) e).frame()).filter(f -> Frames.type(ByteBuffer.wrap(f), 0) == FrameType.MCAST).toList();
        assertThat(resent).hasSize(1);
        McastFrame m = new McastFrame().wrap(ByteBuffer.wrap(resent.get(0)), 0);
        // A sealed ring drops a frame whose sender is not the node that sealed it.
        assertThat(m.sender()).isEqualTo(1);
        assertThat(m.originator()).isEqualTo(2);
        assertThat(m.seq()).isEqualTo(1);
        // The frame held is not changed: a later request is served from it as it came.
        assertThat(Frames.sender(ByteBuffer.wrap(node1.frame(1)), 0)).isEqualTo(2);
    }
}
