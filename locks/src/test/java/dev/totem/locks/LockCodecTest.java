package dev.totem.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockCodecTest {
    private static LockMessage roundTrip(LockMessage m) {
        return LockCodec.decode(ByteBuffer.wrap(LockCodec.encode(m)));
    }

    @Test
    void everyMessageSurvivesARoundTrip() {
        RequestId a = new RequestId(1, 42, 7);
        RequestId b = new RequestId(3, 9, 1);
        List<LockMessage> all = List.of(new LockMessage.Acquire("printer", 5, false), new LockMessage.Acquire("é", 1, true),
                new LockMessage.Release("printer", 5), new LockMessage.SyncRequest(-3),
                new LockMessage.Snapshot(77, true, new LockMessage.Image(12, List.of(
                        new LockMessage.LockImage("a", a, 11, List.of(b)), new LockMessage.LockImage("b", null, 0, List.of(a, b))))),
                new LockMessage.Batch(List.of(new LockMessage.Acquire("x", 2, false), new LockMessage.Release("printer", 5),
                        new LockMessage.Acquire("é", 3, true))));
        for (LockMessage m : all) {
            assertThat(roundTrip(m)).isEqualTo(m);
        }
    }

    @Test
    void badBytesGiveAClearErrorNeverAnotherException() {
        byte[] good = LockCodec.encode(new LockMessage.Snapshot(1, false, new LockMessage.Image(1, List.of(
                new LockMessage.LockImage("a", new RequestId(1, 1, 1), 1, List.of())))));
        for (int cut = 0; cut < good.length; cut++) {
            byte[] part = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> LockCodec.decode(ByteBuffer.wrap(part))).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] version = good.clone();
        version[0] = 9;
        assertThatThrownBy(() -> LockCodec.decode(ByteBuffer.wrap(version))).hasMessageContaining("version 9");
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> LockCodec.decode(ByteBuffer.wrap(longer))).hasMessageContaining("after the message");
        byte[] lying = good.clone();
        lying[2 + 17 + 3] = 127;  // lock count
        assertThatThrownBy(() -> LockCodec.decode(ByteBuffer.wrap(lying))).isInstanceOf(IllegalArgumentException.class);
        byte[] flag = good.clone();
        flag[2 + 8] = 2;  // stale flag
        assertThatThrownBy(() -> LockCodec.decode(ByteBuffer.wrap(flag))).hasMessageContaining("stale flag 2");
    }

    @Test
    void aBatchOfEncodedRequestsIsTheBatchOfTheRequests() {
        List<LockMessage> requests = List.of(new LockMessage.Release("a", 1), new LockMessage.Acquire("b", 2, false));
        byte[] joined = LockCodec.batch(requests.stream().map(LockCodec::encode).toList());
        assertThat(LockCodec.decode(ByteBuffer.wrap(joined))).isEqualTo(new LockMessage.Batch(requests));
        int sum = LockCodec.BATCH_HEADER_BYTES;
        for (LockMessage m : requests) {
            sum += LockCodec.batchedBytes(LockCodec.encode(m));
        }
        assertThat(joined).hasSize(sum);
    }

    @Test
    void aBatchHoldsRequestsOnly() {
        assertThatThrownBy(() -> LockCodec.batch(List.of(LockCodec.encode(new LockMessage.SyncRequest(1)))))
                .hasMessageContaining("acquires and releases only");
        assertThatThrownBy(() -> new LockMessage.Batch(List.of())).hasMessageContaining("at least one");
        byte[] good = LockCodec.encode(new LockMessage.Batch(List.of(new LockMessage.Release("a", 1))));
        byte[] sync = good.clone();
        sync[4] = 3; // the request's type: SYNC_REQUEST
        assertThatThrownBy(() -> LockCodec.decode(ByteBuffer.wrap(sync))).hasMessageContaining("acquires and releases only");
        for (int cut = 0; cut < good.length; cut++) {
            byte[] part = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> LockCodec.decode(ByteBuffer.wrap(part))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void namesAreBounded() {
        assertThatThrownBy(() -> LockCodec.nameBytes("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> LockCodec.nameBytes("x".repeat(129))).hasMessageContaining("129 bytes");
    }

    @Test
    void theRequestReaderReadsABatchInPlaceAsTheDecoderDoes() {
        List<LockMessage> requests = List.of(new LockMessage.Acquire("printer", 5, false), new LockMessage.Release("é", 1),
                new LockMessage.Acquire("x", 9, true));
        byte[] bytes = LockCodec.encode(new LockMessage.Batch(requests));
        byte[] padded = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        LockCodec.Requests reader = new LockCodec.Requests();
        assertThat(reader.check(padded, 3, bytes.length)).isEqualTo(3);
        List<LockMessage> read = new java.util.ArrayList<>();
        while (reader.next()) {
            read.add(reader.message());
        }
        assertThat(read).isEqualTo(requests);
        reader.check(padded, 3, bytes.length);
        assertThat(reader.next()).isTrue();
        assertThat(new String(reader.bytes(), reader.nameOffset(), reader.nameLength(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("printer");
        assertThat(reader.acquire()).isTrue();
        assertThat(reader.seq()).isEqualTo(5);
    }

    @Test
    void theRequestReaderRefusesAMalformedMessageWhole() {
        byte[] good = LockCodec.encode(new LockMessage.Batch(List.of(new LockMessage.Acquire("a", 1, false),
                new LockMessage.Release("bc", 2))));
        LockCodec.Requests reader = new LockCodec.Requests();
        for (int cut = 0; cut < good.length; cut++) {
            int length = cut;
            assertThatThrownBy(() -> reader.check(good, 0, length)).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] notUtf8 = good.clone();
        notUtf8[good.length - 1] = (byte) 0xff;  // the second request's name, after a good first request
        assertThatThrownBy(() -> reader.check(notUtf8, 0, notUtf8.length)).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> LockCodec.decode(ByteBuffer.wrap(notUtf8))).hasMessageContaining("not UTF-8");
        byte[] zero = good.clone();
        zero[5 + 7] = 0;  // the first request's number, now 0
        assertThatThrownBy(() -> reader.check(zero, 0, zero.length)).hasMessageContaining("not positive");
        byte[] flag = good.clone();
        flag[5 + 8] = 2;  // the first request's try flag
        assertThatThrownBy(() -> reader.check(flag, 0, flag.length)).hasMessageContaining("try flag 2");
        byte[] sync = LockCodec.encode(new LockMessage.SyncRequest(4));
        assertThatThrownBy(() -> reader.check(sync, 0, sync.length)).hasMessageContaining("not a request message");
    }
}
