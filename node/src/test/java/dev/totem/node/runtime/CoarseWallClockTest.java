package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CoarseWallClockTest {
    private final AtomicLong wall = new AtomicLong(1_000_000L);
    private final CoarseWallClock clock = new CoarseWallClock(wall::get);

    @Test
    void answersTheLastReadingUntilAdvanced() {
        wall.addAndGet(5_000);
        assertThat(clock.wallTime()).isEqualTo(1_000_000L);
        clock.advance();
        assertThat(clock.wallTime()).isEqualTo(1_005_000L);
    }

    /** The timer's maximum forgets an old record once advances carry the clock past its window. */
    @Test
    void aTimersWindowRotatesOnlyAsTheClockIsAdvanced() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
        Timer timer = Timer.builder("t").distributionStatisticExpiry(Duration.ofMinutes(1))
                .distributionStatisticBufferLength(1).register(registry);
        timer.record(7, TimeUnit.MILLISECONDS);
        wall.addAndGet(Duration.ofMinutes(2).toMillis());
        assertThat(timer.max(TimeUnit.MILLISECONDS)).as("not advanced: the window stands").isEqualTo(7.0);
        clock.advance();
        assertThat(timer.max(TimeUnit.MILLISECONDS)).as("advanced past the window").isZero();
        assertThat(timer.count()).isEqualTo(1);
    }
}
