package io.taskq.systemtest;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.workload.ExampleHandler;

/**
 * The example computation with failures a fault-injection test can count on: every call for a <em>poison</em> task
 * ({@code value % 1000 == 7}) throws, so it dies after {@code consumer.max-attempts} calls; the first attempt of a
 * <em>flaky</em> task ({@code value % 1000 == 3}) throws, so it is done on its second. Every other call computes what
 * {@link ExampleHandler} computes, after a busy wait of {@code POISON_FLAKY_SPIN_NANOS} so that kills land mid-batch.
 * The failure messages are {@link #poisonMessage} and {@link #flakyMessage}, so a test can check the dead letters.
 * The tests put this module's test classes on {@code TASKQ_CLASSPATH}.
 */
public final class PoisonFlakyHandler implements TaskHandler {
    public static final String NAME = "poison-flaky";
    public static final String SPIN_ENV = "POISON_FLAKY_SPIN_NANOS";

    private final ExampleHandler example = new ExampleHandler();
    private final long spinNanos;

    public PoisonFlakyHandler() {
        String spin = System.getenv(SPIN_ENV);
        this.spinNanos = spin == null ? 0 : Long.parseLong(spin);
    }

    /** True for a task every call of which fails. */
    public static boolean poison(int value) {
        return value % 1000 == 7;
    }

    /** True for a task whose first attempt fails. */
    public static boolean flaky(int value) {
        return value % 1000 == 3;
    }

    public static String poisonMessage(long seq, int value) {
        return "poison task seq " + seq + " (value " + value + ") fails every attempt";
    }

    public static String flakyMessage(long seq, int value) {
        return "flaky task seq " + seq + " (value " + value + ") fails its first attempt";
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
        if (poison(task.value()))
            throw new PoisonTaskException(poisonMessage(task.seq(), task.value()));
        if (flaky(task.value()) && task.attempt() == 1)
            throw new FlakyTaskException(flakyMessage(task.seq(), task.value()));
        example.handle(task, result);
    }

    /** What a poison task's every call throws. */
    public static final class PoisonTaskException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PoisonTaskException(String message) {
            super(message);
        }
    }

    /** What a flaky task's first attempt throws. */
    public static final class FlakyTaskException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FlakyTaskException(String message) {
            super(message);
        }
    }
}
