package io.taskq.bench.jmh;

import io.taskq.common.config.Keys;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskBatch;
import io.taskq.producer.TaskProducer;
import io.taskq.workload.Workload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@link TaskProducer#put(int, double)}: the queue's write lock, the binary task excerpt and the ledger's
 * {@code submitted} publish; and {@link TaskProducer#putAll(TaskBatch)} of {@value #BATCH} tasks (what
 * {@code producer.batch} is by default): adding them to the one reused {@link TaskBatch}, then one excerpt and one
 * publish for all. {@code putAll}'s figures are per task ({@code @OperationsPerInvocation}), so the two compare
 * directly, and its {@code -prof gc} {@code gc.alloc.rate.norm} is bytes per task. One data directory for the whole
 * trial, opened before the first iteration, so no setup runs inside a measured iteration and {@code -prof gc} sees only
 * the puts (the queue grows by about 45 bytes a put).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PutBenchmark {
    /** Tasks per {@code putAll}: {@code producer.batch}'s default, checked at setup. */
    static final int BATCH = 64;

    private Path dir;
    private TaskProducer producer;
    private TaskBatch batch;
    private int i;

    @Setup(Level.Trial)
    public void open() {
        if (BATCH != Keys.PRODUCER_BATCH.defaultValue())
            throw new IllegalStateException("PutBenchmark.BATCH=" + BATCH + " is not producer.batch's default "
                    + Keys.PRODUCER_BATCH.defaultValue());
        dir = TempDirs.create("put");
        producer = TaskProducer.open(ProducerSettings.builder(dir).build());
        batch = producer.newBatch();
    }

    @TearDown(Level.Trial)
    public void close() {
        producer.close();
        TempDirs.delete(dir);
    }

    @Benchmark
    public long put() {
        int n = i++;
        return producer.put(Workload.value(n), Workload.payload(n));
    }

    /** {@value #BATCH} tasks added and put with one {@code putAll}; the figures are per task. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long putAll() {
        int first = i;
        for (int n = first; n < first + BATCH; n++)
            batch.add(Workload.value(n), Workload.payload(n));
        i = first + BATCH;
        return producer.putAll(batch);
    }
}
