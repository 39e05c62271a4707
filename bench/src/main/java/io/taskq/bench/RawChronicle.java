package io.taskq.bench;

import io.taskq.common.TaskQException;
import io.taskq.workload.Workload;
import io.taskq.cli.Options;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.wire.Excerpts;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.ValueIn;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code chronicle-raw} baseline: the least code that moves the same task record from one process to another
 * with Chronicle Queue, 1 producer and 1 consumer, no ledger, no claims, no result slots, no join. The consumer
 * computes the same result and keeps the totals in local fields (a plain ack). Same queue settings as TaskQ's
 * ({@code FAST_DAILY}, binary wire, the same {@link Task} excerpt under the {@code task} event name).
 * <p>
 * {@code RawChronicle produce --dir D --count N [--rate R] --result F}: appends N tasks. Without a rate,
 * {@code createdNanos} is the time of the append; with one, task {@code i} is appended at
 * {@code start + i * 1e9/R} and carries that intended time, so the consumer's latency is coordinated-omission
 * corrected, as in W2.
 * <p>
 * {@code RawChronicle consume --dir D --count N --idle NAME --ready F --result F [--warmup W --out PREFIX]}: tails
 * until it has handled N tasks; with {@code --out}, records {@code end of handling - createdNanos} for
 * {@code seq >= W} in an HdrHistogram written to {@code PREFIX.intended.hdr}.
 * <p>
 * With {@code --warm-up W} (throughput only) both sides first move tasks {@code 0..W-1} untimed, the same warm-up
 * as TaskQ's warm W1: the producer appends them, the consumer writes {@code --warm-signal F} once it has handled them,
 * and only then does the producer read its clock and append tasks {@code W..W+N-1}.
 * <p>
 * Throughput = N / (consumer's {@code lastHandledNanos} - producer's {@code firstPutNanos}), both
 * {@code System.nanoTime()} (one clock for every process on Linux).
 */
public final class RawChronicle {
    private RawChronicle() {
    }

    public static void main(String[] args) throws Exception {
        int code;
        try {
            if (args.length == 0)
                throw TaskQException.usage("usage: RawChronicle produce|consume ...");
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            code = switch (args[0]) {
                case "produce" -> produce(rest);
                case "consume" -> consume(rest);
                default -> throw TaskQException.usage("RawChronicle: unknown mode '" + args[0] + "' (produce, consume)");
            };
        } catch (TaskQException e) {
            System.err.println(e.getMessage());
            code = e.exitCode();
        }
        System.exit(code);
    }

    private static SingleChronicleQueue open(Path dir) {
        return SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
    }

    static int produce(String[] args) throws Exception {
        Options o = Options.parse("RawChronicle produce", args, Set.of("dir", "count", "warm-up", "warm-signal", "rate", "result"),
                Set.of(), false);
        long count = o.longValue("count", 1, 100_000_000, 1);
        long warmUp = o.longValue("warm-up", 0, 100_000_000, 0);
        long rate = o.longValue("rate", 0, 10_000_000, 0);
        long interval = rate == 0 ? 0 : 1_000_000_000L / rate;
        QueuedTask task = new QueuedTask();
        long firstPutNanos;
        long maxBehind = 0;
        try (SingleChronicleQueue queue = open(Path.of(o.get("dir")));
             ExcerptAppender appender = queue.createAppender()) {
            // Acquire the queue's store before the clock starts, as TaskProducer's start-up repair does under the
            // write lock, so neither side times the creation of the first cycle file.
            try (DocumentContext dc = appender.writingDocument()) {
                dc.rollbackOnClose();
            }
            for (long i = 0; i < warmUp; i++)
                append(appender, task, i, System.nanoTime());
            if (warmUp > 0)
                awaitFile(Path.of(o.get("warm-signal")));
            long start = System.nanoTime() + 1_000_000;
            firstPutNanos = interval > 0 ? start : System.nanoTime();
            for (long i = warmUp; i < warmUp + count; i++) {
                long stamp;
                if (interval > 0) {
                    stamp = start + i * interval;
                    maxBehind = Math.max(maxBehind, BenchProducer.awaitDue(stamp) - stamp);
                } else {
                    stamp = System.nanoTime();
                }
                append(appender, task, i, stamp);
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("count", count);
        figures.put("firstPutNanos", firstPutNanos);
        figures.put("maxBehindScheduleNanos", maxBehind);
        RunFile.write(Path.of(o.get("result")), figures);
        return 0;
    }

    /** Appends task {@code i} of the workload, stamped {@code createdNanos}, the way any Chronicle user would. */
    private static void append(ExcerptAppender appender, QueuedTask task, long i, long createdNanos) {
        task.set(Workload.value(i), Workload.payload(i)).seq(i).createdNanos(createdNanos);
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().writeEventName(Excerpts.TASK).marshallable(task);
        }
    }

    /** Waits (up to 10 minutes) until the consumer has written {@code file}. */
    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (!java.nio.file.Files.exists(file)) {
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("the raw consumer never finished the warm-up (" + file + ")");
            Thread.sleep(1);
        }
    }

    static int consume(String[] args) throws Exception {
        Options o = Options.parse("RawChronicle consume", args, Set.of("dir", "count", "warm-up", "warm-signal", "idle", "ready",
                "result", "warmup", "out"), Set.of(), false);
        long count = o.longValue("count", 1, 100_000_000, 1) + o.longValue("warm-up", 0, 100_000_000, 0);
        long warmUp = o.longValue("warm-up", 0, 100_000_000, 0);
        long warmup = o.longValue("warmup", 0, 100_000_000, 0);
        String idle = o.has("idle") ? o.get("idle") : "busy";
        Pauser pauser = IdleStrategies.create(idle);
        Histogram latency = o.has("out") ? new Histogram(LatencyRecordingHandler.HIGHEST_NANOS, 3) : null;
        QueuedTask task = new QueuedTask();
        StringBuilder event = new StringBuilder();
        long done = 0;
        long sumValue = 0;
        double sumPayload = 0;
        long lastHandledNanos = 0;
        try (SingleChronicleQueue queue = open(Path.of(o.get("dir")));
             ExcerptTailer tailer = queue.createTailer()) {
            RunFile.write(Path.of(o.get("ready")), Map.of("pid", ProcessHandle.current().pid(),
                    "idle", IdleStrategies.describe(idle, pauser)));
            while (done < count) {
                boolean got;
                try (DocumentContext dc = tailer.readingDocument()) {
                    got = dc.isPresent() && dc.isData();
                    if (got) {
                        ValueIn in = dc.wire().readEventName(event);
                        in.marshallable(task);
                    }
                }
                if (!got) {
                    pauser.pause();
                    continue;
                }
                pauser.reset();
                // The same work as ExampleHandler, acknowledged in local fields.
                long resultValue = task.value() + 1L;
                double resultPayload = task.payload() * 2;
                long end = System.nanoTime();
                done++;
                sumValue += resultValue;
                sumPayload += resultPayload;
                lastHandledNanos = end;
                if (done == warmUp)
                    RunFile.write(Path.of(o.get("warm-signal")), Map.of("done", done));
                if (latency != null && task.seq() >= warmup)
                    latency.recordValue(Math.min(LatencyRecordingHandler.HIGHEST_NANOS, Math.max(0, end - task.createdNanos())));
            }
        }
        if (latency != null)
            LatencyRecordingHandler.write(latency, Path.of(o.get("out") + ".intended.hdr"));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("done", done);
        figures.put("sumValue", sumValue);
        figures.put("sumPayload", sumPayload);
        figures.put("lastHandledNanos", lastHandledNanos);
        figures.put("idle", IdleStrategies.describe(idle, pauser));
        RunFile.write(Path.of(o.get("result")), figures);
        return 0;
    }
}
