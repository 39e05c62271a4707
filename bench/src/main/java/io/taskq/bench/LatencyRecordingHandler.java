package io.taskq.bench;

import io.taskq.workload.ExampleHandler;
import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * W2's handler, {@code bench-latency}: computes the same result as {@link ExampleHandler} and then records, in
 * HdrHistograms, how long after its intended send time each task finished being handled. It runs inside a real
 * {@code taskq consume} process (found with {@link java.util.ServiceLoader} because the bench jar is on the
 * harness's classpath), so the consumer loop, claim and slot commit are TaskQ's own.
 * <p>
 * The clock stops with {@code System.nanoTime()} at the end of {@link #handle}, after the result is computed and
 * before the consumer commits it to the slot (a handful of ordered writes). Two figures per task:
 * <ul>
 *     <li>{@code intended}: from the intended send time {@code startNanos + seq * intervalNanos} in the schedule
 *     file the producer wrote before its first put (coordinated omission corrected);</li>
 *     <li>{@code put}: from {@code Task.createdNanos}, the producer's clock inside {@code put}.</li>
 * </ul>
 * {@code System.nanoTime()} is CLOCK_MONOTONIC on Linux, one clock for every process on the host. Tasks with
 * {@code seq < warmup} are not recorded. When task {@code count - 1} has been handled, both histograms are written
 * (compressed HdrHistogram encoding) to {@code <out>.intended.hdr} and {@code <out>.put.hdr}.
 * <p>
 * Configured with system properties: {@code taskq.bench.schedule}, {@code taskq.bench.count},
 * {@code taskq.bench.warmup}, {@code taskq.bench.out}. Records without allocating; not thread-safe (one consumer
 * thread, as the {@link TaskHandler} contract says). Assumes one consumer handling seqs in order.
 */
public final class LatencyRecordingHandler implements TaskHandler {
    public static final String NAME = "bench-latency";
    /** Latencies up to a minute are recorded exactly (3 significant digits); longer ones are clamped. */
    static final long HIGHEST_NANOS = 60_000_000_000L;

    private final ExampleHandler work = new ExampleHandler();
    // Made at the first task: Handlers.create instantiates every handler on the classpath to find one by name.
    private Histogram intended;
    private Histogram sincePut;
    private long startNanos;
    private long intervalNanos = -1;
    private long count;
    private long warmup;
    private Path out;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void handle(Task task, TaskResult result) throws IOException {
        work.handle(task, result);
        long end = System.nanoTime();
        if (intervalNanos < 0)
            configure();
        long seq = task.seq();
        if (seq >= warmup) {
            intended.recordValue(Math.min(HIGHEST_NANOS, Math.max(0, end - (startNanos + seq * intervalNanos))));
            sincePut.recordValue(Math.min(HIGHEST_NANOS, Math.max(0, end - task.createdNanos())));
        }
        if (seq == count - 1) {
            write(intended, out.resolveSibling(out.getFileName() + ".intended.hdr"));
            write(sincePut, out.resolveSibling(out.getFileName() + ".put.hdr"));
        }
    }

    /** Reads the settings and the producer's schedule once, at the first task (the schedule exists by then). */
    private void configure() throws IOException {
        Path schedule = Path.of(required("taskq.bench.schedule"));
        count = Long.parseLong(required("taskq.bench.count"));
        warmup = Long.parseLong(required("taskq.bench.warmup"));
        out = Path.of(required("taskq.bench.out"));
        intended = new Histogram(HIGHEST_NANOS, 3);
        sincePut = new Histogram(HIGHEST_NANOS, 3);
        Properties p = RunFile.read(schedule);
        startNanos = RunFile.longValue(p, "startNanos", schedule);
        intervalNanos = RunFile.longValue(p, "intervalNanos", schedule);
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null)
            throw new IllegalStateException("handler " + NAME + " needs -D" + property);
        return v;
    }

    static void write(Histogram h, Path file) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, java.util.Arrays.copyOf(buffer.array(), length));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static Histogram read(Path file) throws IOException {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Files.readAllBytes(file)), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException(file + " is not a compressed HdrHistogram", e);
        }
    }
}
