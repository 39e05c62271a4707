package io.taskq.bench.jmh;

import io.taskq.workload.ExampleHandler;
import io.taskq.workload.Workload;
import io.taskq.common.store.SlotFigures;
import io.taskq.consumer.ConsumerSettings;
import io.taskq.consumer.TaskConsumer;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The per-task consumer loop: {@link TaskConsumer#doWork()} claiming a batch of {@value #BATCH}, reading each task
 * from the queue with its tailer, handling it ({@link ExampleHandler}) and committing it to its slot. The queue is
 * filled once, before the first iteration, with exactly the tasks every iteration drains, so no setup runs inside a
 * measured iteration (and {@code -prof gc} sees only the loop). Each iteration drains {@value #TASKS_PER_ITERATION}
 * tasks as {@value #CALLS_PER_ITERATION} calls (a single-shot batch), and the score is per task. One consumer: the
 * work per task, not contention between consumers. {@code results} is {@code consumer.results}: with the results
 * log (the default) or without it, for what a task's record costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = ConsumerLoopBenchmark.WARMUPS, batchSize = ConsumerLoopBenchmark.CALLS_PER_ITERATION)
@Measurement(iterations = ConsumerLoopBenchmark.MEASUREMENTS, batchSize = ConsumerLoopBenchmark.CALLS_PER_ITERATION)
@Fork(1)
public class ConsumerLoopBenchmark {
    /** consumer.batch-size's default: every doWork() claims and handles one batch of this many tasks. */
    static final int BATCH = 64;
    static final int CALLS_PER_ITERATION = 15_625;
    static final int TASKS_PER_ITERATION = CALLS_PER_ITERATION * BATCH;
    static final int WARMUPS = 5;
    static final int MEASUREMENTS = 5;

    @Param({"on", "off"})
    public String results;

    private Path dir;
    private TaskConsumer consumer;
    private long expected;

    @Setup(Level.Trial)
    public void fill() {
        dir = TempDirs.create("consume");
        // Enough for the default iteration counts; more (-wi/-i) would run dry, which the check after the trial
        // catches.
        expected = (long) TASKS_PER_ITERATION * (WARMUPS + MEASUREMENTS);
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            for (long i = 0; i < expected; i++)
                producer.put(Workload.value(i), Workload.payload(i));
        }
        consumer = TaskConsumer.open(ConsumerSettings.builder(dir).index(0).batchSize(BATCH)
                .results("on".equals(results)).build(), new ExampleHandler());
    }

    @TearDown(Level.Trial)
    public void check() {
        SlotFigures f = consumer.figures();
        consumer.close();
        TempDirs.delete(dir);
        if (f.done != expected || f.sumValue != Workload.expectedSumValue(expected))
            throw new IllegalStateException("handled " + f.done + " tasks with sumValue " + f.sumValue + ", expected "
                    + expected + " and " + Workload.expectedSumValue(expected)
                    + " (run with the default iteration counts)");
    }

    @Benchmark
    @OperationsPerInvocation(TASKS_PER_ITERATION)
    public int doWork() throws Exception {
        return consumer.doWork();
    }
}
