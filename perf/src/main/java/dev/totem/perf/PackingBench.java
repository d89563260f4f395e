package dev.totem.perf;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.pack.Assembler;
import dev.totem.protocol.pack.FrameSink;
import dev.totem.protocol.pack.Packer;
import dev.totem.protocol.wire.McastFrame;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packing and reassembly: {@link #MESSAGES} application messages of {@code size} bytes packed
 * into frames of {@code frameBytes} (the sender's {@link Packer}, one token visit's flush at the
 * end), then every frame unpacked by a receiver's {@link Assembler}. Messages larger than a frame
 * are fragmented and reassembled. The score is messages per second through both.
 *
 * <p>Run: {@code ./totem jmh PackingBench -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PackingBench {
    static final int MESSAGES = 1000;

    @Param({"64", "1600", "8000"})
    public int size;

    /** Packed bytes per frame: a 1500 B network MTU, or loopback's 60,000 B. */
    @Param({"1400", "59000"})
    public int frameBytes;

    private Packer packer;
    private Assembler assembler;
    private byte[] message;
    private long delivered;
    private long deliveredBytes;
    private final Assembler.MessageSink counter = this::counted;
    /** Each frame goes to the receiver as it is closed, as on the wire: nothing piles up. */
    private final FrameSink toReceiver = (frame, g) -> assembler.accept(1, ByteBuffer.wrap(frame), McastFrame.PAYLOAD_OFFSET,
            frame.length - McastFrame.PAYLOAD_OFFSET, counter);

    @Setup
    public void setUp() {
        packer = new Packer(McastFrame.PAYLOAD_OFFSET, frameBytes);
        assembler = new Assembler(1 << 20);
        message = new byte[size];
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long packAndUnpack() {
        long before = delivered;
        for (int i = 0; i < MESSAGES; i++) {
            packer.add(message, Guarantee.AGREED, toReceiver);
        }
        packer.flush(toReceiver);
        if (delivered - before != MESSAGES) {
            throw new IllegalStateException((delivered - before) + " of " + MESSAGES + " messages came out");
        }
        return deliveredBytes;
    }

    private void counted(int originator, byte[] bytes, int offset, int length) {
        delivered++;
        deliveredBytes += length;
    }
}
