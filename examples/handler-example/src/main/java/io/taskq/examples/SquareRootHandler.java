package io.taskq.examples;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;

/**
 * Takes the square root of each task's value (result: the root rounded down, and the exact root as the payload), and
 * refuses a negative value by throwing. Such a task fails every attempt, so it ends in the dead-letter queue after
 * {@code consumer.max-attempts}, while the other tasks go on: the README's example of handler failures. Registered in
 * {@code META-INF/services/io.taskq.common.TaskHandler}, selected with {@code --handler sqrt}.
 */
public final class SquareRootHandler implements TaskHandler {
    @Override
    public String name() {
        return "sqrt";
    }

    @Override
    public void handle(Task task, TaskResult result) {
        if (task.value() < 0)
            throw new IllegalArgumentException("no real square root of " + task.value() + " (seq " + task.seq() + ")");
        double root = Math.sqrt(task.value());
        result.set((long) root, root);
    }
}
