package dev.totem.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.totem.testkit.SeededCases;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** One million mutated frames through {@link Frames#check}, and proof that the harness can fail. */
class FrameFuzzTest {
    private static final long BASE_SEED = 0x7E70_0000L;
    private static final int CASES = 100;
    private static final int MUTATIONS_PER_CASE = 10_000;

    @Test
    void aMillionMutatedFramesNeverBreakCheckOrDecoders() {
        Map<DecodeStatus, Long> counts = new FrameFuzzHarness(Frames::check)
                .run(BASE_SEED, CASES, MUTATIONS_PER_CASE).counts();

        System.out.println("fuzz statuses: " + counts);
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo((long) CASES * MUTATIONS_PER_CASE);
        assertThat(counts).allSatisfy((status, n) -> assertThat(n).as(status.name()).isPositive());
    }

    /**
     * A checker that forgets the retransmit-list bound passes tokens whose list runs past the
     * frame's end; reading them throws, and the harness must say so with a seed that replays it.
     */
    @Test
    void harnessCatchesACheckerThatSkipsTheRtrBound() {
        assumeTrue(System.getProperty(SeededCases.SEED_PROPERTY) == null, "a pinned seed replays another test");
        FrameFuzzHarness.Checker skipsRtrBound = (buf, offset, length) -> {
            DecodeStatus status = Frames.check(buf, offset, length);
            return status == DecodeStatus.COUNT_OVER_LIMIT && Frames.type(buf, offset) == FrameType.ORF_TOKEN
                    ? DecodeStatus.OK : status;
        };

        AssertionError failure = null;
        try { // called from this method, not a lambda, so the replay command names this test
            new FrameFuzzHarness(skipsRtrBound).run(BASE_SEED, CASES, MUTATIONS_PER_CASE);
        } catch (AssertionError e) {
            failure = e;
        }
        assertThat(failure).as("the harness failed").isNotNull()
                .hasMessageContaining("-Dtest='" + FrameFuzzTest.class.getName() + "#harnessCatchesACheckerThatSkipsTheRtrBound'")
                .hasMessageContaining("-Dtotem.seed=")
                .hasRootCauseInstanceOf(IndexOutOfBoundsException.class);

        Matcher seed = Pattern.compile("seed (-?\\d+) failed").matcher(failure.getMessage());
        assertThat(seed.find()).as("message names the seed: " + failure.getMessage()).isTrue();
        long failingSeed = Long.parseLong(seed.group(1));
        assertThatThrownBy(() -> new FrameFuzzHarness(skipsRtrBound).run(failingSeed, 1, MUTATIONS_PER_CASE))
                .as("the named seed alone replays the failure")
                .hasMessageContaining("seed " + failingSeed + " failed")
                .hasRootCauseInstanceOf(IndexOutOfBoundsException.class);
        assertThat(new FrameFuzzHarness(Frames::check).run(failingSeed, 1, MUTATIONS_PER_CASE).counts())
                .as("the real check passes the same seed").isNotEmpty();
    }
}
