package dev.totem.perf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamWindowTest {
    @Test
    void smallPayloadsAreBoundedByCount() {
        assertEquals(StreamWindow.MESSAGES_MAX, StreamWindow.messagesFor(0));
        assertEquals(StreamWindow.MESSAGES_MAX, StreamWindow.messagesFor(64));
    }

    @Test
    void largePayloadsAreBoundedByBytes() {
        assertEquals(655, StreamWindow.messagesFor(1600));
        assertEquals(131, StreamWindow.messagesFor(8000));
        for (int size = 1; size <= 2_000_000; size = size * 3 + 1) {
            long bytes = (long) StreamWindow.messagesFor(size) * size;
            assertTrue(bytes <= StreamWindow.BYTES_MAX || StreamWindow.messagesFor(size) == 1, "size " + size);
        }
    }

    @Test
    void oneMessageLargerThanTheBudgetStillGoes() {
        assertEquals(1, StreamWindow.messagesFor(StreamWindow.BYTES_MAX + 1));
        assertEquals(1, StreamWindow.messagesFor(1_000_000));
    }

    @Test
    void negativeSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> StreamWindow.messagesFor(-1));
    }
}
