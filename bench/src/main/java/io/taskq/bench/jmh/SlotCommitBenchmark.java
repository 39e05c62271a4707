package io.taskq.bench.jmh;

import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.store.SlotFigures;
import net.openhft.chronicle.queue.RollCycles;
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
 * The slot update behind task_done: the figures' checksum, the copy the selector does not point at, and the selector
 * write, plus {@link ResultSlot#recordLatency}, on a slot bound in place in the mapped results map. {@link #commit} is
 * what a consumer does for every commit: {@link ResultSlot#publishFiguresIfCurrent}, a compare-and-swap of the
 * selector, so that a fenced or timed-out slot's commit never lands. {@link #commitOrdered} publishes with one
 * ordered write instead ({@link ResultSlot#publishFigures}, what a commit did before fencing), for the difference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SlotCommitBenchmark {
    private Path dir;
    private DataDirectory data;
    private ResultSlot slot;
    private final SlotFigures mirror = new SlotFigures();
    private long seq;

    @Setup(Level.Trial)
    public void open() {
        dir = TempDirs.create("slot");
        data = DataDirectory.openOrCreate(dir, 4, RollCycles.FAST_DAILY);
        slot = data.slots().slot(0);
        slot.readFigures(mirror);
    }

    @TearDown(Level.Trial)
    public void close() {
        data.close();
        TempDirs.delete(dir);
    }

    @Benchmark
    public long commit() {
        SlotFigures f = next();
        if (!slot.publishFiguresIfCurrent(f))
            throw new IllegalStateException("slot fenced");
        slot.recordLatency(f.latencySumNanos & 2047, f.lastSeq);
        return f.done;
    }

    @Benchmark
    public long commitOrdered() {
        SlotFigures f = next();
        slot.publishFigures(f);
        slot.recordLatency(f.latencySumNanos & 2047, f.lastSeq);
        return f.done;
    }

    private SlotFigures next() {
        long s = seq++;
        long latency = 1_000 + (s & 1023);
        SlotFigures f = mirror;
        f.done++;
        f.sumValue += s % 1000 + 1;
        f.sumPayload += s;
        f.lastSeq = s;
        f.lastResultValue = s % 1000 + 1;
        f.lastResultPayload = s;
        f.batchLo = s & ~63;
        f.batchHi = (s & ~63) + 64;
        f.doneUpTo = s + 1;
        f.latencySumNanos += latency;
        return f;
    }
}
