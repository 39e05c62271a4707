package io.taskq.systemtest;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.workload.ExampleHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The example computation, slowed to one task per {@link #GATED_NANOS} until the file named by {@link #OPEN_ENV}
 * exists, then at full speed: a run that stays live, with tasks in flight and its counters moving, for as long as a
 * test looks at it, and then finishes at once. It parks rather than spins while slowed, so that it
 * leaves the CPU to the processes the test starts meanwhile. Its totals are the example handler's. The tests put this
 * module's test classes on {@code TASKQ_CLASSPATH}.
 * <p>
 * One instance per consumer, called from its one handling thread.
 */
public final class GatedExampleHandler implements TaskHandler {
    public static final String NAME = "gated-example";
    public static final String OPEN_ENV = "GATED_EXAMPLE_OPEN";
    /** The time each task takes while the gate is closed: two consumers do about 1,000 tasks a second. */
    static final long GATED_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final ExampleHandler example = new ExampleHandler();
    private final Path gate;
    private boolean open;

    public GatedExampleHandler() {
        String gate = System.getenv(OPEN_ENV);
        this.gate = gate == null ? null : Path.of(gate);
        this.open = gate == null;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void handle(Task task, TaskResult result) {
        if (!open) {
            open = Files.exists(gate);
            if (!open)
                LockSupport.parkNanos(GATED_NANOS);
        }
        example.handle(task, result);
    }
}
