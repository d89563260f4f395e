package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.node.runtime.NodeCounters.Stat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PauseWatchTest {
    private static final long MS = 1_000_000L;
    private static final long TOKEN_MS = 1000;

    private final LogCapture logs = LogCapture.attach();
    private final NodeCounters counters = new NodeCounters();
    private final FakeBacklog backlog = new FakeBacklog();
    /** Scheduled tasks with their due times, run by the test in due order. */
    private final List<Scheduled> scheduled = new ArrayList<>();
    private long now = 1_000 * MS;
    private final PauseWatch watch = new PauseWatch(TOKEN_MS, new NodeLog(1), counters, backlog, (task, delayNanos) -> {
        scheduled.add(new Scheduled(now + delayNanos, task));
        return null;
    }, () -> now);

    @AfterEach
    void detach() {
        logs.detach();
    }

    @Test
    void aFrameReadWhileTheRunIsOverdueBeginsTheFlushWhichEndsWhenTheSocketsWereReadEmpty() {
        watch.start(); // the first run, at 1000 ms; the next due at 1200 ms
        assertThat(scheduled).singleElement().extracting(Scheduled::dueNanos).isEqualTo(1_200 * MS);
        now = 1_600 * MS;
        watch.beforeFrame(now);
        assertThat(watch.flushing()).as("400 ms overdue is not over half the token timeout").isFalse();

        now = 4_000 * MS; // stopped: the run due at 1200 ms did not come
        watch.beforeFrame(now);
        assertThat(watch.flushing()).isTrue();
        assertThat(backlog.events).containsExactly("paused 2800");
        watch.beforeFrame(now);
        assertThat(backlog.events).as("one pause, one input").hasSize(1);

        // The overdue run: the warning, counted, no second pause input.
        runNext(); // look
        assertThat(counters.get(Stat.PROCESS_PAUSES)).isEqualTo(1);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARNING") && l.contains("process pause detected: the event loop did not run for 2800 ms")
                && l.contains("the joins queued meanwhile are dropped"));
        assertThat(backlog.events).hasSize(1);

        // The backlog check: a socket was read to its limit, so it looks again.
        backlog.readsMayRemain = true;
        runUntilCheck();
        assertThat(watch.flushing()).isTrue();
        backlog.readsMayRemain = false;
        runUntilCheck();
        assertThat(watch.flushing()).isFalse();
        assertThat(backlog.events).containsExactly("paused 2800", "read");
    }

    @Test
    void aPauseFoundByTheRunItselfAlsoFlushes() {
        watch.start();
        now = 3_000 * MS;
        runNext(); // the run due at 1200 ms comes at 3000 ms, before any frame
        assertThat(backlog.events).containsExactly("paused 1800");
        runUntilCheck();
        assertThat(backlog.events).containsExactly("paused 1800", "read");
    }

    @Test
    void steadyFullReadsEndTheFlushAfterHalfTheTokenTimeout() {
        watch.start();
        now = 5_000 * MS;
        watch.beforeFrame(now);
        backlog.alwaysFull = true;
        int checks = 0;
        while (watch.flushing() && checks < 10_000) {
            runUntilCheck();
            checks++;
        }
        assertThat(watch.flushing()).isFalse();
        assertThat(now - 5_000 * MS).as("flushed for half the token timeout, and no longer")
                .isBetween(TimeUnit.MILLISECONDS.toNanos(TOKEN_MS / 2), TimeUnit.MILLISECONDS.toNanos(TOKEN_MS / 2) + 2 * MS);
    }

    @Test
    void runsOnTimeFindNoPause() {
        watch.start();
        for (int i = 0; i < 20; i++) {
            now = scheduled.get(0).dueNanos + 50 * MS; // a little late each time
            watch.beforeFrame(now);
            runNext();
        }
        assertThat(backlog.events).isEmpty();
        assertThat(counters.get(Stat.PROCESS_PAUSES)).isZero();
    }

    @Test
    void aReloadedTokenTimeoutSetsTheNextRunsAndThePauseThreshold() {
        watch.start(); // next run due at 1200 ms
        now = 1_100 * MS;
        watch.tokenTimeoutMs(10_000); // runs every 2 s, a pause when 5 s late
        assertThat(scheduled).extracting(Scheduled::dueNanos).containsExactly(1_200 * MS, 3_100 * MS);
        runNext(); // the old chain's run at 1200 ms: nothing, and nothing scheduled
        assertThat(scheduled).extracting(Scheduled::dueNanos).containsExactly(3_100 * MS);
        now = 7_000 * MS; // 3.9 s late by the new period: under half the new token timeout
        watch.beforeFrame(now);
        runNext();
        assertThat(backlog.events).isEmpty();
        assertThat(scheduled).extracting(Scheduled::dueNanos).containsExactly(9_000 * MS);

        watch.tokenTimeoutMs(1_000); // back: runs every 200 ms, a pause when 500 ms late
        now = 7_800 * MS;
        watch.beforeFrame(now);
        assertThat(backlog.events).containsExactly("paused 600");
        runNext(); // the reload's new chain, due at 7200 ms, comes at 7800 ms
        assertThat(counters.get(Stat.PROCESS_PAUSES)).isEqualTo(1);
        assertThat(logs.lines()).anyMatch(l -> l.contains("did not run for 600 ms (token 1000 ms)"));
    }

    /** Runs the scheduled task due first, at its due time or now, whichever is later. */
    private void runNext() {
        int first = 0;
        List<Scheduled> all = new ArrayList<>(scheduled);
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i).dueNanos < all.get(first).dueNanos) {
                first = i;
            }
        }
        Scheduled next = all.remove(first);
        scheduled.clear();
        scheduled.addAll(all);
        now = Math.max(now, next.dueNanos);
        next.task.run();
    }

    /** Runs scheduled tasks in due order until a backlog check has run. */
    private void runUntilCheck() {
        int before = backlog.takes;
        while (backlog.takes == before) {
            runNext();
        }
    }

    private record Scheduled(long dueNanos, Runnable task) {
    }

    private static final class FakeBacklog implements PauseWatch.Backlog {
        final List<String> events = new ArrayList<>();
        boolean readsMayRemain;
        boolean alwaysFull;
        /** Calls of takeReadsMayRemain (a backlog check makes one, and so does a flush's start). */
        int takes;

        @Override
        public void paused(long pausedNanos) {
            events.add("paused " + pausedNanos / MS);
        }

        @Override
        public void read() {
            events.add("read");
        }

        @Override
        public boolean takeReadsMayRemain() {
            takes++;
            boolean may = readsMayRemain || alwaysFull;
            readsMayRemain = false;
            return may;
        }
    }
}
