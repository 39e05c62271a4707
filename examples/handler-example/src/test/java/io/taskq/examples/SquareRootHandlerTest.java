package io.taskq.examples;

import io.taskq.common.Task;
import io.taskq.common.TaskResult;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SquareRootHandlerTest {
    @Test
    void shouldTakeTheRootAndRefuseANegativeValue() {
        TaskResult result = new TaskResult();
        new SquareRootHandler().handle(Task.of(10, 0), result);
        assertEquals(3, result.value());
        assertEquals(Math.sqrt(10), result.payload());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SquareRootHandler().handle(Task.of(-4, 0), result));
        assertEquals("no real square root of -4 (seq 0)", e.getMessage());
    }
}
