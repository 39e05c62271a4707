package io.taskq.examples;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SquareHandlerTest {
    @Test
    void shouldSquareValueAndPayload() {
        TaskResult result = new TaskResult();
        new SquareHandler().handle(Task.of(-7, 1.5), result);
        assertEquals(49, result.value());
        assertEquals(2.25, result.payload());
    }

    @Test
    void shouldBeFoundByServiceLoaderUnderItsName() {
        assertTrue(ServiceLoader.load(TaskHandler.class).stream()
                .anyMatch(p -> p.type() == SquareHandler.class && p.get().name().equals("square")));
    }
}
