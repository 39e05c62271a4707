package io.taskq.bench.jmh;

import com.sun.management.ThreadMXBean;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

/**
 * {@code -prof io.taskq.bench.jmh.CpuTimeProfiler}: the benchmark JVM's CPU time (user + system, all live threads) per
 * operation, as {@code cpu.time.norm}. On a shared machine a benchmark thread waits for a core a good part of the
 * time, which inflates wall-clock scores; CPU time per operation is what the code itself costs. It includes the
 * JIT and GC threads' time, which is small once warm.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long startCpuNanos;

    /**
     * The CPU time of every live thread, summed: per-thread clocks have nanosecond resolution, where the process
     * clock here ticks in 10 ms steps. A thread that ends within an iteration is missed; none does in these benchmarks.
     */
    private long cpuNanos() {
        long sum = 0;
        for (long t : threads.getThreadCpuTime(threads.getAllThreadIds()))
            if (t > 0)
                sum += t;
        return sum;
    }

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startCpuNanos = cpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                        IterationResult result) {
        long cpu = cpuNanos() - startCpuNanos;
        long ops = result.getMetadata().getAllOps();
        double perOp = ops == 0 ? Double.NaN : (double) cpu / ops;
        return List.of(new ScalarResult("cpu.time.norm", perOp, "ns/op", AggregationPolicy.AVG));
    }
}
