package dev.totem.locks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.locks.LockConfig;
import dev.totem.locks.LockEvent;
import dev.totem.locks.LockEventSink;
import dev.totem.locks.LockMessage;
import dev.totem.locks.LockTable;
import dev.totem.locks.RequestId;
import dev.totem.simulator.check.Violation;
import dev.totem.simulator.run.SeedRunner;
import dev.totem.simulator.trace.TraceWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The checkers catch lock tables with a bug planted in them, on the seeds the real table passes. */
class PlantedBugTest {
    private static final LockConfig CONFIG = LockConfig.defaults();

    /** Runs seeds until one breaks a property of a table made by {@code tables}; the properties broken. */
    private static List<String> brokenProperties(Supplier<LockTable> tables) {
        List<String> properties = new ArrayList<>();
        for (long seed = 41_000; seed < 41_010 && properties.isEmpty(); seed++) {
            SeedRunner.Result r = SeedRunner.run(LockSimTest.CHAOS, seed, TraceWriter.nowhere(), new LockLayer(CONFIG, tables));
            for (Violation v : r.violations()) {
                properties.add(v.property());
            }
        }
        return properties;
    }

    @Test
    void aTableThatKeepsTheLocksOfProcessesThatLeftIsCaught() {
        List<String> broken = brokenProperties(() -> new LockTable(CONFIG.requestsMax()) {
            @Override
            public void removeAbsent(LongPredicate member, Consumer<LockEvent> out) {
                // planted: a departed holder keeps its lock
            }
        });
        assertThat(broken).contains("lock-left-released");
    }

    @Test
    void replicasThatMergeTheSameSnapshotsDifferentlyAreCaughtWhenTheyDiverge() {
        AtomicInteger made = new AtomicInteger();
        List<String> broken = brokenProperties(() -> made.incrementAndGet() % 2 == 0
                ? new LockTable(CONFIG.requestsMax())
                : new LockTable(CONFIG.requestsMax()) {
                    @Override
                    public void mergeFrom(List<LockMessage.Image> sides, LongPredicate member) {
                        // planted: half the merges forget the side that takes precedence
                        super.mergeFrom(sides.size() > 1 ? sides.subList(1, sides.size()) : sides, member);
                    }
                });
        assertThat(broken).contains("lock-agreement");
    }

    @Test
    void aTableThatGrantsAHeldLockOnReleaseOfAWaiterIsCaught() {
        List<String> broken = brokenProperties(() -> new LockTable(CONFIG.requestsMax()) {
            @Override
            public boolean release(byte[] nameBytes, int offset, int length, long process, long seq, LockEventSink out) {
                String name = new String(nameBytes, offset, length, StandardCharsets.UTF_8);
                RequestId request = RequestId.of(process, seq);
                RequestId holder = holder(name);
                boolean known = super.release(nameBytes, offset, length, process, seq, out);
                if (known && holder != null && !holder.equals(request) && !waiters(name).isEmpty()) {
                    // planted: a cancelled waiter hands the lock to the next waiter as well
                    out.accept(new LockEvent.Granted(name, waiters(name).get(0), fence() + 1));
                }
                return known;
            }
        });
        assertThat(broken).contains("lock-exclusion");
    }

    @Test
    void aTableThatHandsALockToItsLastWaiterIsCaught() {
        List<String> broken = brokenProperties(() -> new LockTable(CONFIG.requestsMax()) {
            @Override
            public boolean release(byte[] nameBytes, int offset, int length, long process, long seq, LockEventSink out) {
                String name = new String(nameBytes, offset, length, StandardCharsets.UTF_8);
                List<RequestId> waiting = waiters(name);
                if (RequestId.of(process, seq).equals(holder(name)) && waiting.size() > 1) {
                    // planted: the first waiter is put at the back of the queue, unseen, so the next one gets the lock
                    RequestId first = waiting.get(0);
                    LockEventSink unseen = e -> { };
                    super.release(nameBytes, offset, length, first.process(), first.seq(), unseen);
                    acquire(nameBytes, offset, length, first.process(), first.seq(), false, unseen);
                }
                return super.release(nameBytes, offset, length, process, seq, out);
            }
        });
        assertThat(broken).contains("lock-fifo");
    }
}
