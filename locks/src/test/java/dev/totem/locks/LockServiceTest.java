package dev.totem.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.ClientId;
import dev.totem.cpg.ConnectionState;
import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.protocol.api.Guarantee;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A service alone in its group, on a handle that keeps what it multicasts until the test
 * delivers it back: what goes out in one message, and when.
 */
class LockServiceTest {
    private static final int NODE = 1;
    private static final int PID = 7;

    /** A one-member group: multicasts wait in {@link #sent} until {@link #deliverNext}. */
    private static final class LoopbackHandle implements CpgHandle {
        final List<byte[]> sent = new ArrayList<>();
        CpgListener listener;

        @Override
        public ClientId clientId() {
            return ClientId.of(PID);
        }

        @Override
        public CpgResult join(String group) {
            return CpgResult.OK;
        }

        @Override
        public CpgResult leave(String group) {
            return CpgResult.OK;
        }

        @Override
        public CpgResult mcast(String group, byte[] payload, Guarantee guarantee) {
            sent.add(payload.clone());
            return CpgResult.OK;
        }

        @Override
        public List<CpgAddress> membership(String group) {
            return List.of(CpgAddress.member(NODE, PID));
        }

        @Override
        public java.util.SortedMap<String, List<CpgAddress>> groups() {
            return new java.util.TreeMap<>(java.util.Map.of("locks", membership("locks")));
        }

        @Override
        public int localNodeId() {
            return NODE;
        }

        @Override
        public ConnectionState state(String group) {
            return ConnectionState.JOIN_COMPLETED;
        }

        @Override
        public boolean closed() {
            return false;
        }

        @Override
        public void close() {
        }

        void deliverNext(String group) {
            listener.onDeliver(new CpgEvent.Deliver(group, NODE, PID, sent.remove(0)));
        }
    }

    private static LockService synced(LoopbackHandle h, LockConfig config) {
        LockService s = LockService.open(l -> {
            h.listener = l;
            return h;
        }, config);
        CpgAddress me = CpgAddress.member(NODE, PID);
        h.listener.onConfchg(new CpgEvent.Confchg(config.group(), List.of(me), List.of(), List.of(me), "r1:4@1"));
        while (!h.sent.isEmpty()) {
            h.deliverNext(config.group());
        }
        assertThat(s.replica().phase()).isEqualTo(LockReplica.Phase.SYNCED);
        return s;
    }

    private static LockMessage decode(byte[] bytes) {
        return LockCodec.decode(ByteBuffer.wrap(bytes));
    }

    @Test
    void requestsMadeWhileHandlingOneDeliveryGoOutAsOneBatchInTheirOrder() {
        LoopbackHandle h = new LoopbackHandle();
        LockConfig config = LockConfig.defaults();
        LockService s = synced(h, config);
        s.acquire("a").thenAccept(lease -> {
            lease.release();
            s.acquire("b");
        });
        assertThat(h.sent).as("a request made outside a callback goes at once").hasSize(1);
        assertThat(decode(h.sent.get(0))).isEqualTo(new LockMessage.Acquire("a", 1, false));

        h.deliverNext(config.group()); // grants a: the future releases it and asks for b
        assertThat(h.sent).as("the release and the acquire made in the callback, in one message").hasSize(1);
        assertThat(decode(h.sent.get(0))).isEqualTo(new LockMessage.Batch(List.of(
                new LockMessage.Release("a", 1), new LockMessage.Acquire("b", 2, false))));

        h.deliverNext(config.group());
        assertThat(s.leases()).extracting(Lease::name).containsExactly("b");
        assertThat(s.replica().table().holder("a")).isNull();
    }

    @Test
    void requestsMadeInsideBatchGoOutTogetherWhenItEnds() {
        LoopbackHandle h = new LoopbackHandle();
        LockConfig config = LockConfig.defaults();
        LockService s = synced(h, config);
        s.batch(() -> {
            s.acquire("a");
            s.acquire("b");
            assertThat(h.sent).as("nothing sent before the batch ends").isEmpty();
        });
        assertThat(h.sent).extracting(LockServiceTest::decode).containsExactly(new LockMessage.Batch(List.of(
                new LockMessage.Acquire("a", 1, false), new LockMessage.Acquire("b", 2, false))));
    }

    @Test
    void aBatchBoundOfOneByteSendsEveryRequestAlone() {
        LoopbackHandle h = new LoopbackHandle();
        LockConfig config = LockConfig.defaults().withBatchBytesMax(1);
        LockService s = synced(h, config);
        s.acquire("a").thenAccept(lease -> {
            lease.release();
            s.acquire("b");
        });
        h.deliverNext(config.group());
        assertThat(h.sent).extracting(LockServiceTest::decode).containsExactly(new LockMessage.Release("a", 1),
                new LockMessage.Acquire("b", 2, false));
    }

    @Test
    void leasesOfAClosedServiceAreLostWhetherTheirFutureWasAskedForBeforeOrAfter() {
        LoopbackHandle h = new LoopbackHandle();
        LockConfig config = LockConfig.defaults();
        LockService s = synced(h, config);
        List<Lease> leases = new ArrayList<>();
        s.batch(() -> {
            s.acquire("a").thenAccept(leases::add);
            s.acquire("b").thenAccept(leases::add);
        });
        h.deliverNext(config.group());
        assertThat(leases).extracting(Lease::name).containsExactly("a", "b");
        var askedBefore = leases.get(0).lost();
        assertThat(askedBefore).isNotDone();

        s.close();

        assertThat(askedBefore).isCompletedWithValue(LockEvent.Cause.LEFT);
        assertThat(leases.get(1).lost()).isCompletedWithValue(LockEvent.Cause.LEFT);
        assertThat(leases).noneMatch(Lease::held);
        h.sent.clear();
        leases.get(1).release();
        assertThat(h.sent).as("a lost lease has nothing to release").isEmpty();
    }

    @Test
    void aMalformedBatchIsCountedAndNoneOfItsRequestsApplies() {
        LoopbackHandle h = new LoopbackHandle();
        LockConfig config = LockConfig.defaults();
        LockService s = synced(h, config);
        byte[] good = LockCodec.encode(new LockMessage.Batch(List.of(new LockMessage.Acquire("a", 1, false),
                new LockMessage.Acquire("b", 2, false))));
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 1);  // the second name cut short
        h.listener.onDeliver(new CpgEvent.Deliver(config.group(), NODE, PID, cut));
        assertThat(s.malformed()).isEqualTo(1);
        assertThat(s.replica().table().requests()).isZero();

        h.listener.onDeliver(new CpgEvent.Deliver(config.group(), NODE, PID, good));
        assertThat(s.malformed()).isEqualTo(1);
        assertThat(s.replica().table().names()).containsExactly("a", "b");
    }
}
