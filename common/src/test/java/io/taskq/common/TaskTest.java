package io.taskq.common;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stand-alone tasks handler authors test with. */
class TaskTest {
    @Test
    void ofValueAndPayloadShouldHaveNoBody() {
        Task task = Task.of(-7, 1.5);
        assertEquals(0, task.seq());
        assertEquals(0, task.createdNanos());
        assertEquals(-7, task.value());
        assertEquals(1.5, task.payload());
        assertFalse(task.hasBody());
        assertEquals(0, task.body().remaining());
        assertArrayEquals(new byte[0], task.bodyBytes());
    }

    @Test
    void ofEveryFieldShouldCopyTheBodyAndShowItReadOnly() {
        byte[] body = {1, 2, 3};
        Task task = Task.of(5, 6, 7, 8.5, body);
        body[0] = 9;
        assertEquals(5, task.seq());
        assertEquals(6, task.createdNanos());
        assertTrue(task.hasBody());
        ByteBuffer view = task.body();
        assertEquals(1, view.get(0), "the task keeps its own copy");
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 0));
        byte[] copy = task.bodyBytes();
        copy[1] = 0;
        assertArrayEquals(new byte[]{1, 2, 3}, task.bodyBytes());
    }
}
