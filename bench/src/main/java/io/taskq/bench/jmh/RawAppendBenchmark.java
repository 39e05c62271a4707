package io.taskq.bench.jmh;

import io.taskq.workload.Workload;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
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
 * The baseline for {@link PutBenchmark}: the least Chronicle code that appends the same fields, one raw 20-byte
 * excerpt (long id, int value, double payload, no event name) per append, as {@code chronicle-raw-min} writes them,
 * on the same roll cycle as TaskQ's queue. A put costs this plus what TaskQ adds: the sealed check, the seq from the
 * ledger and its publish, the creation time, the event name, and the free-space budget.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RawAppendBenchmark {
    private Path dir;
    private SingleChronicleQueue queue;
    private ExcerptAppender appender;
    private long i;

    @Setup(Level.Trial)
    public void open() {
        dir = TempDirs.create("raw-append");
        queue = SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
        appender = queue.createAppender();
    }

    @TearDown(Level.Trial)
    public void close() {
        appender.close();
        queue.close();
        TempDirs.delete(dir);
    }

    @Benchmark
    public long append() {
        long n = i++;
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().writeLong(n).writeInt(Workload.value(n)).writeDouble(Workload.payload(n));
        }
        return n;
    }
}
