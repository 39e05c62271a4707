package io.taskq.common.wire;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a handler sees of a task's body: a reused read-only view, and a copy it may keep. */
class QueuedTaskBodyTest {
    private static final byte[] LONG = "a longer body".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SHORT = "short".getBytes(StandardCharsets.UTF_8);

    @Test
    void bodyShouldBeAReadOnlyViewOfExactlyTheBodyRewoundOnEveryCall() {
        QueuedTask task = new QueuedTask().set(1, 1.0).body(LONG);
        ByteBuffer body = task.body();
        assertTrue(body.isReadOnly());
        assertEquals(0, body.position());
        assertEquals(LONG.length, body.remaining());
        assertEquals('a', body.get());
        assertEquals(0, task.body().position(), "each call rewinds");
        assertThrows(ReadOnlyBufferException.class, () -> task.body().put(0, (byte) 'x'));
    }

    @Test
    void theNextTaskShouldReuseTheBufferWithoutKeepingThePreviousBody() {
        Wire wire = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
        wire.writeEventName(Excerpts.TASK).marshallable(new QueuedTask().set(1, 1.0).body(LONG));
        wire.writeEventName(Excerpts.TASK).marshallable(new QueuedTask().set(2, 2.0).body(SHORT));
        wire.writeEventName(Excerpts.TASK).marshallable(new QueuedTask().set(3, 3.0));
        QueuedTask in = new QueuedTask();
        StringBuilder event = new StringBuilder();

        wire.readEventName(event).marshallable(in);
        ByteBuffer first = in.body();
        byte[] kept = in.bodyBytes();
        wire.readEventName(event).marshallable(in);
        assertSame(first, in.body(), "a shorter body reuses the buffer: nothing allocated per task");
        assertEquals(SHORT.length, in.body().remaining());
        assertArrayEquals(SHORT, in.bodyBytes());
        assertArrayEquals(LONG, kept, "bodyBytes() is a copy the next task does not overwrite");

        wire.readEventName(event).marshallable(in);
        assertFalse(in.hasBody());
        assertEquals(0, in.body().remaining());
        assertArrayEquals(new byte[0], in.bodyBytes());
    }

    @Test
    void aLargerBodyShouldGrowTheBufferAndStillShowOnlyItsOwnBytes() {
        QueuedTask task = new QueuedTask().set(1, 1.0).body(SHORT);
        ByteBuffer small = task.body();
        task.body(LONG);
        assertNotSame(small, task.body());
        assertArrayEquals(LONG, task.bodyBytes());
        assertEquals(LONG.length, task.bodyLength());
    }
}
