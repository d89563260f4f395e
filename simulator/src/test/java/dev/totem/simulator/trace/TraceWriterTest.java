package dev.totem.simulator.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TraceWriterTest {

    /** The exact bytes are a contract (simulator/README.md); this pins every event's spelling. */
    @Test
    void writesEveryEventInTheDocumentedFormat() {
        StringWriter out = new StringWriter();
        TraceWriter trace = new TraceWriter(TraceSink.writer(out));
        RingId ring = new RingId(1, 4);

        trace.start(0, 1);
        trace.submit(1_500_999, 2, "w-1", Guarantee.AGREED);
        trace.deliver(1_620_000, 3, "w-1", 2, Guarantee.SAFE, ring);
        trace.config(2_000_000, 1, ConfigurationKind.REGULAR, ring, new int[] {1, 2, 3});
        trace.config(2_000_000, 1, ConfigurationKind.TRANSITIONAL, ring, new int[] {1});
        trace.tokenLost(2_500_000, 2, ring);
        trace.transition(2_600_000, 2, "membership", "operational", "gather", "token \"lost\"\n");
        trace.crash(3_000_000, 2);
        trace.restart(3_000_000, 2);
        trace.pause(3_000_000, 3);
        trace.resume(3_000_000, 3);
        trace.partition(4_000_000, new int[][] {{1, 2}, {3}});
        trace.block(4_000_000, 1, 2);
        trace.heal(5_000_000);

        assertThat(out.toString()).isEqualTo("""
                {"t":0,"node":1,"ev":"start"}
                {"t":1500,"node":2,"ev":"submit","id":"w-1","guarantee":"agreed"}
                {"t":1620,"node":3,"ev":"deliver","id":"w-1","sender":2,"guarantee":"safe","ring":"1:4"}
                {"t":2000,"node":1,"ev":"config","kind":"regular","ring":"1:4","members":[1,2,3]}
                {"t":2000,"node":1,"ev":"config","kind":"transitional","ring":"1:4","members":[1]}
                {"t":2500,"node":2,"ev":"token_lost","ring":"1:4"}
                {"t":2600,"node":2,"ev":"transition","machine":"membership","from":"operational","to":"gather","reason":"token \\"lost\\"\\n"}
                {"t":3000,"node":2,"ev":"crash"}
                {"t":3000,"node":2,"ev":"restart"}
                {"t":3000,"node":3,"ev":"pause"}
                {"t":3000,"node":3,"ev":"resume"}
                {"t":4000,"node":0,"ev":"partition","groups":[[1,2],[3]]}
                {"t":4000,"node":0,"ev":"block","from":1,"to":2}
                {"t":5000,"node":0,"ev":"heal"}
                """);
        assertThat(trace.lines()).isEqualTo(14);
    }

    @Test
    void hashIsTheSha256OfTheWrittenBytes() throws Exception {
        StringWriter out = new StringWriter();
        TraceHash hash = new TraceHash();
        TraceWriter trace = new TraceWriter(TraceSink.tee(hash, TraceSink.writer(out)));
        trace.submit(1_000, 1, "ü-1", Guarantee.SAFE);
        trace.deliver(2_000, 2, "ü-1", 1, Guarantee.SAFE, new RingId(1, 1));

        byte[] written = out.toString().getBytes(StandardCharsets.UTF_8);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written));
        assertThat(hash.hex()).isEqualTo(expected);
        assertThat(hash.bytes()).isEqualTo(written.length);
        assertThat(hash.lines()).isEqualTo(2);
    }

    @Test
    void nowhereFormatsNothing() {
        TraceWriter trace = TraceWriter.nowhere();
        trace.crash(1, 1);
        assertThat(trace.enabled()).isFalse();
        assertThat(trace.lines()).isZero();
    }

    @Test
    void emptyHashIsTheSha256OfNothing() {
        assertThat(new TraceHash().hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
