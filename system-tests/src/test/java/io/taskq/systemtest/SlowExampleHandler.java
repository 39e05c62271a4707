package io.taskq.systemtest;

import io.taskq.workload.ExampleHandler;
import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;

/**
 * The example computation plus a busy wait of {@code SLOW_EXAMPLE_SPIN_NANOS} per task, so that consumers are
 * in the middle of a batch when a fault-injection test kills them. Its totals are the example handler's, so runs
 * still check against the closed form. The tests put this module's test classes on {@code TASKQ_CLASSPATH}.
 */
public final class SlowExampleHandler implements TaskHandler {
    public static final String NAME = "slow-example";
    public static final String SPIN_ENV = "SLOW_EXAMPLE_SPIN_NANOS";

    private final ExampleHandler example = new ExampleHandler();
    private final long spinNanos;

    public SlowExampleHandler() {
        String spin = System.getenv(SPIN_ENV);
        this.spinNanos = spin == null ? 0 : Long.parseLong(spin);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void handle(Task task, TaskResult result) {
        long until = System.nanoTime() + spinNanos;
        while (System.nanoTime() < until)
            Thread.onSpinWait();
        example.handle(task, result);
    }
}
