package io.taskq.workload;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;

/**
 * The seed computation, and the default handler: result {@code value + 1} and {@code payload * 2}.
 * Its totals over the synthetic workload have a closed form, see {@link Workload}.
 */
public final class ExampleHandler implements TaskHandler {
    public static final String NAME = "example";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void handle(Task task, TaskResult result) {
        result.set(task.value() + 1L, task.payload() * 2);
    }
}
