package io.taskq.bench;

import io.taskq.cli.Pacer;
import io.taskq.common.Await;
import io.taskq.common.TaskQException;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.wire.Excerpts;
import io.taskq.common.wire.QueuedTask;
import io.taskq.workload.Workload;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.ValueIn;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code chronicle-raw} and {@code chronicle-raw-min} baselines: the least code that moves the same task from
 * one process to another with Chronicle Queue, 1 producer and 1 consumer, no ledger, no claims, no result slots, no
 * join. The consumer computes the same result and keeps the totals in local fields (a plain ack). Same queue settings
 * as TaskQ's ({@code FAST_DAILY}, binary wire). {@code --format} picks the excerpt, once, on both sides:
 * <ul>
 *   <li>{@code dto} (the default, {@code chronicle-raw}): TaskQ's own excerpt, the {@link QueuedTask} DTO under the
 *   {@code task} event name, so the baseline pays what TaskQ's wire format costs;</li>
 *   <li>{@code min} ({@code chronicle-raw-min}): 20 raw bytes per task, {@code long} seq, {@code int} value and
 *   {@code double} payload written and read through the document's bytes, no event name and no DTO: the floor for
 *   moving these fields with Chronicle Queue. It measures cold throughput only (no warm-up, rate or latency), and its
 *   consumer also reports {@code sumSeq}, so that every seq is checked as well as the value and payload.</li>
 * </ul>
 * Each format has its own producer and consumer loop, chosen before the first task, so the {@code min} loops carry
 * nothing of the {@code dto} path.
 * <p>
 * {@code RawChronicle produce --dir D --count N [--rate R] [--format dto|min] --result F}: appends N tasks.
 * Without a rate, {@code createdNanos} is the time of the append; with one, task {@code i} is appended at
 * {@code start + i * 1e9/R} and carries that intended time, so the consumer's latency is coordinated-omission
 * corrected, as in W2.
 * <p>
 * {@code RawChronicle consume --dir D --count N --idle NAME --ready F --result F [--warmup W --out PREFIX]
 * [--format dto|min]}: tails until it has handled N tasks; with {@code --out}, records
 * {@code end of handling - createdNanos} for {@code seq >= W} in an HdrHistogram written to
 * {@code PREFIX.intended.hdr}.
 * <p>
 * With {@code --warm-up W} (throughput only) both sides first move tasks {@code 0..W-1} untimed, the same warm-up
 * as TaskQ's warm W1: the producer appends them, the consumer writes {@code --warm-signal F} once it has handled them,
 * and only then does the producer read its clock and append tasks {@code W..W+N-1}.
 * <p>
 * Throughput = N / (consumer's {@code lastHandledNanos} - producer's {@code firstPutNanos}), both
 * {@code System.nanoTime()} (one clock for every process on Linux).
 */
@Command(name = "RawChronicle",
        description = "The chronicle-raw and chronicle-raw-min baselines' producer and consumer processes.")
public final class RawChronicle implements Callable<Integer> {
    /** How long the producer waits for the consumer to finish the warm-up. */
    private static final Duration WARM_UP_TIMEOUT = Duration.ofMinutes(10);

    private RawChronicle() {
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new RawChronicle(), args, System.out, System.err));
    }

    /** Without {@code produce} or {@code consume}. */
    @Override
    public Integer call() {
        throw TaskQException.usage("usage: RawChronicle produce|consume ...");
    }

    /** {@code --format}: true for {@code min}, false for {@code dto}; else a usage error naming the value. */
    private static boolean minFormat(String format) {
        return switch (format) {
            case "dto" -> false;
            case "min" -> true;
            default -> throw TaskQException.usage("--format=" + format + ": must be dto or min");
        };
    }

    private static SingleChronicleQueue open(Path dir) {
        return SingleChronicleQueueBuilder.binary(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
    }

    @Command(name = "produce", description = "Appends the tasks.")
    int produce(@Option(names = "--dir", required = true, paramLabel = "DIR") Path dir,
                @Option(names = "--count", defaultValue = "1", paramLabel = "N") long count,
                @Option(names = "--warm-up", defaultValue = "0", paramLabel = "W") long warmUp,
                @Option(names = "--warm-signal", paramLabel = "FILE") Path warmSignal,
                @Option(names = "--rate", defaultValue = "0", paramLabel = "R") long rate,
                @Option(names = "--format", defaultValue = "dto", paramLabel = "dto|min") String format,
                @Option(names = "--result", required = true, paramLabel = "FILE") Path result) throws Exception {
        CommandLines.inRange("--count", count, 1, 100_000_000);
        CommandLines.inRange("--warm-up", warmUp, 0, 100_000_000);
        CommandLines.inRange("--rate", rate, 0, 10_000_000);
        if (warmUp > 0 && warmSignal == null)
            throw TaskQException.usage("--warm-up needs --warm-signal FILE");
        boolean min = minFormat(format);
        if (min && (warmUp > 0 || rate > 0))
            throw TaskQException.usage("--format min measures cold throughput only: leave out --warm-up and --rate");
        long interval = rate == 0 ? 0 : 1_000_000_000L / rate;
        QueuedTask task = new QueuedTask();
        long firstPutNanos;
        long maxBehind = 0;
        try (SingleChronicleQueue queue = open(dir);
             ExcerptAppender appender = queue.createAppender()) {
            // Acquire the queue's store before the clock starts, as TaskProducer's start-up repair does under the
            // write lock, so neither side times the creation of the first cycle file.
            try (DocumentContext dc = appender.writingDocument()) {
                dc.rollbackOnClose();
            }
            if (min) {
                firstPutNanos = System.nanoTime();
                appendMin(appender, count);
            } else {
                for (long i = 0; i < warmUp; i++)
                    append(appender, task, i, System.nanoTime());
                if (warmUp > 0)
                    awaitFile(warmSignal);
                long start = System.nanoTime() + 1_000_000;
                firstPutNanos = interval > 0 ? start : System.nanoTime();
                for (long i = warmUp; i < warmUp + count; i++) {
                    long stamp;
                    if (interval > 0) {
                        stamp = start + i * interval;
                        maxBehind = Math.max(maxBehind, Pacer.awaitDue(stamp) - stamp);
                    } else {
                        stamp = System.nanoTime();
                    }
                    append(appender, task, i, stamp);
                }
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("count", count);
        figures.put("firstPutNanos", firstPutNanos);
        figures.put("maxBehindScheduleNanos", maxBehind);
        RunFile.write(result, figures);
        return 0;
    }

    /** Appends task {@code i} of the workload, stamped {@code createdNanos}, the way any Chronicle user would. */
    private static void append(ExcerptAppender appender, QueuedTask task, long i, long createdNanos) {
        task.set(Workload.value(i), Workload.payload(i)).seq(i).createdNanos(createdNanos);
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().writeEventName(Excerpts.TASK).marshallable(task);
        }
    }

    /**
     * Appends tasks {@code 0..count-1} as raw 20-byte excerpts (seq, value, payload): no event name, no DTO, no
     * timestamp.
     */
    private static void appendMin(ExcerptAppender appender, long count) {
        for (long i = 0; i < count; i++) {
            try (DocumentContext dc = appender.writingDocument()) {
                dc.wire().bytes().writeLong(i).writeInt(Workload.value(i)).writeDouble(Workload.payload(i));
            }
        }
    }

    /** Waits (up to {@link #WARM_UP_TIMEOUT}) until the consumer has written {@code file}. */
    private static void awaitFile(Path file) throws InterruptedException {
        if (!Await.FAST.until(WARM_UP_TIMEOUT, () -> Files.exists(file))) {
            if (Thread.currentThread().isInterrupted())
                throw new InterruptedException("interrupted while waiting for " + file);
            throw new IllegalStateException("the raw consumer never finished the warm-up (" + file + ")");
        }
    }

    @Command(name = "consume", description = "Tails until it has handled the tasks.")
    int consume(@Option(names = "--dir", required = true, paramLabel = "DIR") Path dir,
                @Option(names = "--count", defaultValue = "1", paramLabel = "N") long timed,
                @Option(names = "--warm-up", defaultValue = "0", paramLabel = "W") long warmUp,
                @Option(names = "--warm-signal", paramLabel = "FILE") Path warmSignal,
                @Option(names = "--idle", defaultValue = "busy", paramLabel = "NAME") String idle,
                @Option(names = "--ready", required = true, paramLabel = "FILE") Path ready,
                @Option(names = "--result", required = true, paramLabel = "FILE") Path result,
                @Option(names = "--warmup", defaultValue = "0", paramLabel = "W") long warmup,
                @Option(names = "--out", paramLabel = "PREFIX") String out,
                @Option(names = "--format", defaultValue = "dto", paramLabel = "dto|min") String format)
            throws Exception {
        CommandLines.inRange("--count", timed, 1, 100_000_000);
        CommandLines.inRange("--warm-up", warmUp, 0, 100_000_000);
        CommandLines.inRange("--warmup", warmup, 0, 100_000_000);
        if (warmUp > 0 && warmSignal == null)
            throw TaskQException.usage("--warm-up needs --warm-signal FILE");
        if (minFormat(format)) {
            if (warmUp > 0 || warmup > 0 || out != null)
                throw TaskQException.usage("--format min measures cold throughput only: leave out --warm-up, "
                        + "--warmup and --out");
            return consumeMin(dir, timed, idle, ready, result);
        }
        long count = timed + warmUp;
        Pauser pauser = IdleStrategies.create(idle);
        Histogram latency = out != null ? new Histogram(LatencyRecordingHandler.HIGHEST_NANOS, 3) : null;
        QueuedTask task = new QueuedTask();
        StringBuilder event = new StringBuilder();
        long done = 0;
        long sumValue = 0;
        double sumPayload = 0;
        long lastHandledNanos = 0;
        try (SingleChronicleQueue queue = open(dir);
             ExcerptTailer tailer = queue.createTailer()) {
            RunFile.write(ready, Map.of("pid", ProcessHandle.current().pid(),
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
                    RunFile.write(warmSignal, Map.of("done", done));
                if (latency != null && task.seq() >= warmup)
                    latency.recordValue(Math.min(LatencyRecordingHandler.HIGHEST_NANOS,
                            Math.max(0, end - task.createdNanos())));
            }
        }
        if (latency != null)
            LatencyRecordingHandler.write(latency, Path.of(out + ".intended.hdr"));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("done", done);
        figures.put("sumValue", sumValue);
        figures.put("sumPayload", sumPayload);
        figures.put("lastHandledNanos", lastHandledNanos);
        figures.put("idle", IdleStrategies.describe(idle, pauser));
        RunFile.write(result, figures);
        return 0;
    }

    /**
     * The {@code min} consumer: tails {@code count} raw 20-byte excerpts, reads seq, value and payload from the
     * document's bytes, computes the same result as ExampleHandler and keeps the totals in local fields.
     */
    private static int consumeMin(Path dir, long count, String idle, Path ready, Path result) throws Exception {
        Pauser pauser = IdleStrategies.create(idle);
        long done = 0;
        long sumSeq = 0;
        long sumValue = 0;
        double sumPayload = 0;
        long lastHandledNanos = 0;
        long seq = 0;
        int value = 0;
        double payload = 0;
        try (SingleChronicleQueue queue = open(dir);
             ExcerptTailer tailer = queue.createTailer()) {
            RunFile.write(ready, Map.of("pid", ProcessHandle.current().pid(),
                    "idle", IdleStrategies.describe(idle, pauser)));
            while (done < count) {
                boolean got;
                try (DocumentContext dc = tailer.readingDocument()) {
                    got = dc.isPresent() && dc.isData();
                    if (got) {
                        Bytes<?> bytes = dc.wire().bytes();
                        seq = bytes.readLong();
                        value = bytes.readInt();
                        payload = bytes.readDouble();
                    }
                }
                if (!got) {
                    pauser.pause();
                    continue;
                }
                pauser.reset();
                // The same work as ExampleHandler, acknowledged in local fields.
                long resultValue = value + 1L;
                double resultPayload = payload * 2;
                long end = System.nanoTime();
                done++;
                sumSeq += seq;
                sumValue += resultValue;
                sumPayload += resultPayload;
                lastHandledNanos = end;
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("done", done);
        figures.put("sumSeq", sumSeq);
        figures.put("sumValue", sumValue);
        figures.put("sumPayload", sumPayload);
        figures.put("lastHandledNanos", lastHandledNanos);
        figures.put("idle", IdleStrategies.describe(idle, pauser));
        RunFile.write(result, figures);
        return 0;
    }
}
