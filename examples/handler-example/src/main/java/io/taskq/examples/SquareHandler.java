package io.taskq.examples;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;

/**
 * Squares each task: result {@code value * value} and {@code payload * payload}. Registered in
 * {@code META-INF/services/io.taskq.common.TaskHandler}, selected with {@code --handler square}.
 */
public final class SquareHandler implements TaskHandler {
    @Override
    public String name() {
        return "square";
    }

    @Override
    public void handle(Task task, TaskResult result) {
        long v = task.value();
        result.set(v * v, task.payload() * task.payload());
    }
}
