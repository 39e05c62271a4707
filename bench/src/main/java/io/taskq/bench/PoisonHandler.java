package io.taskq.bench;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.workload.ExampleHandler;
import io.taskq.workload.Workload;

import java.util.List;
import java.util.stream.LongStream;

/**
 * The handler of W1 poison, {@code bench-poison}: computes what {@link ExampleHandler} computes, except that every
 * call of a poison task throws {@link PoisonTaskException}. A task is poison when {@code value % 1000 == 7}; its every
 * attempt fails, so the consumer dead-letters it after {@code consumer.max-attempts} calls. Over the synthetic
 * workload ({@link Workload#value}) that is 1 task in 1,000; {@link #expected} says exactly which of {@code n} tasks
 * are poison and what the slots hold once all have finished.
 * <p>
 * It runs inside a real {@code taskq consume} process, found with {@link java.util.ServiceLoader} because the bench jar
 * is on the harness's classpath, so failures, retries and dead letters go through TaskQ's own consumer. Stateless; it
 * allocates only when it throws (the exception and its message), as a real failing handler does.
 */
public final class PoisonHandler implements TaskHandler {
    public static final String NAME = "bench-poison";
    /** A task is poison when {@code value % MODULUS == POISON_REMAINDER}. */
    static final int MODULUS = 1000;
    static final int POISON_REMAINDER = 7;
    /** The rule as the report states it. */
    static final String RULE = "value % " + MODULUS + " == " + POISON_REMAINDER;

    private final ExampleHandler work = new ExampleHandler();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void handle(Task task, TaskResult result) {
        if (isPoison(task.value()))
            throw new PoisonTaskException(task.seq(), task.value());
        work.handle(task, result);
    }

    static boolean isPoison(int value) {
        return value % MODULUS == POISON_REMAINDER;
    }

    /**
     * What a data directory holds once tasks {@code 0..n-1} of the synthetic workload have all finished under this
     * handler: the poison seqs (each dead), the tasks done, and the sums of {@link ExampleHandler}'s results over the
     * tasks that are not poison: {@link Workload}'s closed form minus what the example handler gives for the poison
     * tasks. Every sum is a whole number below 2^53 for the harness's counts, so the double sum is exact.
     */
    static Expected expected(long n) {
        List<Long> poison = LongStream.range(0, n).filter(i -> isPoison(Workload.value(i))).boxed().toList();
        ExampleHandler example = new ExampleHandler();
        TaskResult r = new TaskResult();
        long poisonValue = 0;
        double poisonPayload = 0;
        for (long seq : poison) {
            example.handle(Task.of(seq, 0, Workload.value(seq), Workload.payload(seq), new byte[0]), r);
            poisonValue += r.value();
            poisonPayload += r.payload();
        }
        return new Expected(poison, n - poison.size(), Workload.expectedSumValue(n) - poisonValue,
                Workload.expectedSumPayload(n) - poisonPayload);
    }

    /**
     * What a poison run must end with.
     *
     * @param poisonSeqs the poison tasks' seqs, ascending: each must be dead, with its dead letter
     * @param done       tasks that are not poison: each must be done
     * @param sumValue   the slots' sum of result values over the done tasks
     * @param sumPayload the slots' sum of result payloads over the done tasks
     */
    record Expected(List<Long> poisonSeqs, long done, long sumValue, double sumPayload) {
        long poison() {
            return poisonSeqs.size();
        }
    }

    /** What every call of a poison task throws; its class name is in each of their dead letters. */
    public static final class PoisonTaskException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PoisonTaskException(long seq, int value) {
            super("seq " + seq + " is a poison task (value " + value + ", " + RULE + "): " + NAME
                    + " fails every call of it");
        }
    }
}
