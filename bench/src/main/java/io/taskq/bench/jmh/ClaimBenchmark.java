package io.taskq.bench.jmh;

import io.taskq.common.store.ClaimProtocol;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.ResultSlot;
import net.openhft.chronicle.queue.RollCycles;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ClaimProtocol#claim}: one batch claimed with the helping CAS protocol on the mapped ledger and slots.
 * {@code alone} is one claimer (no helping CAS, no lost races); {@code contended} is two claimers on the two cores,
 * each confirming the other's claim and sometimes losing the cursor CAS. The ledger says enough tasks exist for
 * every claim, so no claim comes back empty.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClaimBenchmark {
    /** The shared data directory. */
    @State(Scope.Benchmark)
    public static class Files {
        @Param({"64"})
        public int batch;

        Path dir;
        DataDirectory data;
        ClaimProtocol claims;
        final AtomicInteger nextIndex = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() {
            dir = TempDirs.create("claim");
            data = DataDirectory.openOrCreate(dir, 8, RollCycles.FAST_DAILY);
            data.ledger().publishSubmitted(1L << 46);
            claims = new ClaimProtocol(data.ledger(), data.slots());
        }

        @TearDown(Level.Trial)
        public void close() {
            data.close();
            TempDirs.delete(dir);
        }
    }

    /** One claimer's own slot. */
    @State(Scope.Thread)
    public static class Claimer {
        int index;
        ResultSlot slot;

        @Setup(Level.Trial)
        public void take(Files files) {
            index = files.nextIndex.getAndIncrement();
            slot = files.data.slots().slot(index);
        }
    }

    @Benchmark
    public long alone(Files files, Claimer me) {
        return files.claims.claim(me.index, me.slot, files.batch);
    }

    @Benchmark
    @Threads(2)
    public long contended(Files files, Claimer me) {
        return files.claims.claim(me.index, me.slot, files.batch);
    }
}
