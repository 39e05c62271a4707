package io.taskq.systemtest;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.workload.ExampleHandler;

/**
 * The example computation, except that the task with seq {@code STUCK_SEQ} never returns: an endless loop, for the
 * task-timeout test. The tests put this module's test classes on {@code TASKQ_CLASSPATH}.
 */
public final class StuckHandler implements TaskHandler {
    public static final String NAME = "stuck";
    public static final String STUCK_SEQ_ENV = "STUCK_SEQ";

    private final ExampleHandler example = new ExampleHandler();
    private final long stuckSeq = Long.parseLong(System.getenv().getOrDefault(STUCK_SEQ_ENV, "-1"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void handle(Task task, TaskResult result) {
        while (task.seq() == stuckSeq)
            Thread.onSpinWait();
        example.handle(task, result);
    }
}
