package io.taskq.bench.jmh;

import io.taskq.workload.Workload;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
 * {@code submitted} publish. One data directory for the whole trial, opened before the first iteration, so no setup
 * runs inside a measured iteration and {@code -prof gc} sees only the puts (the queue grows by about 45 bytes a put).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PutBenchmark {
    private Path dir;
    private TaskProducer producer;
    private int i;

    @Setup(Level.Trial)
    public void open() {
        dir = TempDirs.create("put");
        producer = TaskProducer.open(ProducerSettings.builder(dir).build());
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
}
