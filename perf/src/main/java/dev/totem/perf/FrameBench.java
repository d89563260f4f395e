package dev.totem.perf;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.protocol.wire.Frames;
import dev.totem.protocol.wire.McastFrame;
import dev.totem.protocol.wire.OrfTokenFrame;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The wire flyweights on their hot paths: a token hop (check the received token, read what the
 * holder reads, write the next one with its retransmit list) and a received MCAST frame (check it,
 * read its header). Each method returns what it read, so the JIT cannot drop the work.
 *
 * <p>Run: {@code ./totem jmh FrameBench -f 1 -wi 3 -i 5}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameBench {
    private static final RingId RING = new RingId(1, 4);

    /** A received token and the buffer the next one is written in. */
    @State(Scope.Thread)
    public static class Token {
        /** Retransmit requests the token carries. */
        @Param({"0", "32"})
        public int rtrCount;

        final OrfTokenFrame received = new OrfTokenFrame();
        final OrfTokenFrame next = new OrfTokenFrame();
        ByteBuffer receivedToken;
        ByteBuffer nextToken;
        long seq;

        @Setup
        public void setUp() {
            receivedToken = ByteBuffer.allocate(OrfTokenFrame.length(rtrCount));
            write(received.wrap(receivedToken, 0), 2, 1000);
            nextToken = ByteBuffer.allocate(OrfTokenFrame.length(rtrCount));
        }

        void write(OrfTokenFrame t, int sender, long at) {
            t.init(sender, rtrCount).ringId(RING).tokenSeq(at).seq(at).aru(at - rtrCount).aruAddr(sender).backlog(7).fcc(30);
            for (int i = 0; i < rtrCount; i++) {
                t.rtrSeq(i, at - rtrCount + i);
            }
        }
    }

    /** A received MCAST frame. */
    @State(Scope.Thread)
    public static class Mcast {
        /** Payload bytes: a 1500 B network MTU, or loopback's 60,000 B. */
        @Param({"1400", "59000"})
        public int payloadBytes;

        final McastFrame flyweight = new McastFrame();
        ByteBuffer frame;

        @Setup
        public void setUp() {
            frame = ByteBuffer.wrap(McastFrame.encode(2, RING, 1001, 2, Guarantee.AGREED, false, new byte[payloadBytes], 0,
                    payloadBytes));
        }
    }

    /** One hop: the received token checked and read, the next one written. */
    @Benchmark
    public long tokenHop(Token s) {
        if (Frames.check(s.receivedToken, 0, s.receivedToken.capacity()) != DecodeStatus.OK) {
            throw new IllegalStateException("the token fails its check");
        }
        OrfTokenFrame t = s.received.wrap(s.receivedToken, 0);
        long read = t.seq() + t.aru() + t.aruAddr() + t.backlog() + t.fcc() + t.ringSeq();
        for (int i = 0; i < t.rtrCount(); i++) {
            read += t.rtrSeq(i);
        }
        s.write(s.next.wrap(s.nextToken, 0), 3, t.seq() + ++s.seq);
        return read + s.next.seq();
    }

    /** A received MCAST frame: checked, its header read, its payload located. */
    @Benchmark
    public long mcastReceive(Mcast s) {
        if (Frames.check(s.frame, 0, s.frame.capacity()) != DecodeStatus.OK) {
            throw new IllegalStateException("the frame fails its check");
        }
        McastFrame m = s.flyweight.wrap(s.frame, 0);
        return m.seq() + m.originator() + m.guarantee().ordinal() + m.ringRep() + m.ringSeq() + m.payloadOffset()
                + m.payloadLength();
    }
}
