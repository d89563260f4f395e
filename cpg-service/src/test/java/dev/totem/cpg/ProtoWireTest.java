package dev.totem.cpg;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written varints write and read the bytes protobuf's streams do. */
class ProtoWireTest {
    @Test
    void varintsAreWrittenAndReadAsProtobufDoes() throws Exception {
        Random random = new Random(5);
        for (int round = 0; round < 20_000; round++) {
            // Values of every length: a random long shifted right by 0..63 bits.
            long value = random.nextLong() >>> random.nextInt(64);
            byte[] expected = new byte[10];
            CodedOutputStream out = CodedOutputStream.newInstance(expected);
            out.writeUInt64NoTag(value);
            int size = out.getTotalBytesWritten();
            assertThat(ProtoWire.varintSize(value)).as("%d", value).isEqualTo(size);
            byte[] written = new byte[12];
            assertThat(ProtoWire.putVarint(written, 1, value)).isEqualTo(1 + size);
            assertThat(java.util.Arrays.copyOfRange(written, 1, 1 + size)).isEqualTo(java.util.Arrays.copyOf(expected, size));

            ByteBuffer buffer = ByteBuffer.wrap(written);
            assertThat(ProtoWire.skipVarint64(buffer, 1, written.length)).isEqualTo(1 + size);
            assertThat(ProtoWire.varint64(buffer, 1)).isEqualTo(value);
            assertThat(ProtoWire.skipVarint64(buffer, 1, size)).as("cut off").isEqualTo(-1);

            long fromArray = ProtoWire.varint32(written, 1, 1 + size);
            long fromBuffer = ProtoWire.varint32(buffer, 1, 1 + size);
            assertThat(fromBuffer).isEqualTo(fromArray);
            if (value >>> 32 == 0) {
                assertThat(ProtoWire.uint32Size((int) value)).isEqualTo(size);
                assertThat(ProtoWire.value(fromArray)).isEqualTo(CodedInputStream.newInstance(written, 1, size).readUInt32());
                assertThat(ProtoWire.position(fromArray)).isEqualTo(1 + size);
                assertThat(ProtoWire.varint32(written, 1, size)).as("cut off").isEqualTo(ProtoWire.MALFORMED);
            } else {
                assertThat(fromArray).as("%d is not a uint32", value).isEqualTo(ProtoWire.MALFORMED);
            }
        }
    }
}
