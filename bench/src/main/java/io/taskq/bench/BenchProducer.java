package io.taskq.bench;

import io.taskq.cli.OptionValues;
import io.taskq.cli.Pacer;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.wire.QueuedBatch;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskBatch;
import io.taskq.producer.TaskProducer;
import io.taskq.workload.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The producer process of W1 and W2 (a separate JVM the harness starts with {@link io.taskq.cli.JvmLauncher}):
 * puts {@code --count} synthetic tasks with {@link TaskProducer}, one task per put by default, joins, then seals the
 * stream so the consumers exit.
 * <p>
 * With {@code --batch B > 1} (unpaced runs only: a paced put is due one task at a time) it gathers B tasks at a time in
 * one {@link TaskBatch} and puts them with {@link TaskProducer#putAll(TaskBatch)}, one excerpt each, the warm-up tasks
 * as well; a last batch holds what is left. Each batch's first seq is checked, as each put's is without batches.
 * <p>
 * Clocks, both {@code System.nanoTime()} in this process: {@code firstPutNanos} is read right before the first
 * {@code put} (before the first batch is gathered), {@code joinReturnNanos} right after {@code join} returns; the
 * seal comes after. {@code putPhaseNanos} ends right after the last put returns, so the producer's own put rate can be
 * told from the end-to-end rate. With {@code --rate R} task {@code i} is due at {@code scheduleStart + i * 1e9/R}
 * and the put waits for that time; the schedule is written to {@code --schedule FILE} before the first put, so the
 * consumer's latency handler measures from the intended send time (coordinated omission corrected: a put that falls
 * behind does not move later tasks' due times).
 * <p>
 * With {@code --warm-up W} the producer first puts tasks {@code 0..W-1} and joins them, untimed, so that this JVM and
 * the consumers' have compiled their hot paths (as in a long-running service); the timed phase then puts tasks
 * {@code W..W+N-1} and joins. The data directory ends up holding {@code W + N} tasks of the same workload.
 * <p>
 * Writes its figures to {@code --result FILE}; exit 0 only if every put got the expected seq and join returned.
 */
@Command(name = "bench producer", description = "The producer process of the benchmark harness's W1 and W2 runs.")
public final class BenchProducer implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "a fresh data directory")
    private String dataDir;
    @Option(names = "--count", required = true, paramLabel = "N", description = "timed tasks, 1..100000000")
    private long count;
    @Option(names = "--warm-up", paramLabel = "W", defaultValue = "0",
            description = "untimed tasks put and joined first, 0..100000000 (unpaced runs only)")
    private long warmUp;
    @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
            description = "tasks per second, 0..10000000 (0: as fast as it goes)")
    private long rate;
    @Option(names = "--batch", paramLabel = "B", defaultValue = "1",
            description = "tasks per put, 1..65536 (1: one put each; more: putAll of B tasks, unpaced runs only)")
    private long batch;
    @Option(names = "--schedule", paramLabel = "FILE", description = "where the schedule goes (needed with --rate)")
    private Path schedule;
    @Option(names = "--result", required = true, paramLabel = "FILE", description = "where the figures go")
    private Path result;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            converter = OptionValues.TimeSpan.class, description = "longest wait for join")
    private Duration timeout;

    private BenchProducer() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns its exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.execute(new BenchProducer(), args, out, err);
    }

    @Override
    public Integer call() throws Exception {
        CommandLines.inRange("--count", count, 1, 100_000_000);
        CommandLines.inRange("--rate", rate, 0, 10_000_000);
        CommandLines.inRange("--warm-up", warmUp, 0, 100_000_000);
        CommandLines.inRange("--batch", batch, 1, QueuedBatch.MAX_TASKS);
        if (warmUp > 0 && rate > 0)
            throw TaskQException.usage("--warm-up is for unpaced runs only");
        if (batch > 1 && rate > 0)
            throw TaskQException.usage("--batch " + batch + " is for unpaced runs only: with --rate each task is put "
                    + "on its own when it is due");
        if (rate > 0 && schedule == null)
            throw TaskQException.usage("--rate needs --schedule FILE");
        TaskQConfig config = CommandLines.config(null, dataDir);
        long interval = rate == 0 ? 0 : 1_000_000_000L / rate;

        try (TaskProducer producer = TaskProducer.open(ProducerSettings.from(config))) {
            if (producer.submitted() != 0)
                throw TaskQException.usage(config.get(Keys.DATA_DIR)
                        + " already holds tasks; every run needs a fresh data directory");
            long scheduleStart = System.nanoTime();
            if (interval > 0) {
                // A little ahead, so writing the schedule does not make task 0 late.
                scheduleStart += 1_000_000;
                RunFile.write(schedule, Map.of("startNanos", scheduleStart, "intervalNanos", interval,
                        "count", count));
            }
            TaskBatch tasks = batch > 1 ? producer.newBatch() : null;
            if (tasks != null)
                putInBatches(producer, tasks, 0, warmUp, "warm-up ");
            else
                for (long i = 0; i < warmUp; i++)
                    if (producer.put(Workload.value(i), Workload.payload(i)) != i)
                        throw new IllegalStateException("warm-up put " + i + " got another seq: another producer "
                                + "wrote to this data directory");
            if (warmUp > 0 && !producer.join(timeout))
                throw new IllegalStateException("the warm-up tasks were not done within " + timeout);
            long maxBehindNanos = 0;
            long firstPutNanos = System.nanoTime();
            if (tasks != null)
                putInBatches(producer, tasks, warmUp, warmUp + count, "");
            else
                for (long i = warmUp; i < warmUp + count; i++) {
                    if (interval > 0) {
                        long due = scheduleStart + i * interval;
                        long now = Pacer.awaitDue(due);
                        maxBehindNanos = Math.max(maxBehindNanos, now - due);
                        if (i == 0)
                            firstPutNanos = now;
                    }
                    long seq = producer.put(Workload.value(i), Workload.payload(i));
                    if (seq != i)
                        throw new IllegalStateException("put " + i + " got seq " + seq + ": another producer wrote "
                                + "to this data directory");
                }
            long lastPutNanos = System.nanoTime();
            boolean joined = producer.join(timeout);
            long joinReturnNanos = System.nanoTime();
            producer.seal();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("count", count);
            figures.put("warmUp", warmUp);
            figures.put("rate", rate);
            figures.put("batch", batch);
            figures.put("firstPutNanos", firstPutNanos);
            figures.put("joinReturnNanos", joinReturnNanos);
            figures.put("elapsedNanos", joinReturnNanos - firstPutNanos);
            figures.put("putPhaseNanos", lastPutNanos - firstPutNanos);
            figures.put("maxBehindScheduleNanos", maxBehindNanos);
            figures.put("joined", joined);
            RunFile.write(result, figures);
            return joined ? 0 : TaskQException.EXIT_TIMEOUT;
        }
    }

    /**
     * Puts tasks {@code from..to-1} of the workload with {@code putAll}, {@link #batch} at a time (the last batch holds
     * what is left), checking each batch's first seq.
     */
    private void putInBatches(TaskProducer producer, TaskBatch tasks, long from, long to, String what) {
        for (long first = from; first < to; first += batch) {
            long end = Math.min(to, first + batch);
            for (long i = first; i < end; i++)
                tasks.add(Workload.value(i), Workload.payload(i));
            long seq = producer.putAll(tasks);
            if (seq != first)
                throw new IllegalStateException(what + "batch put of tasks " + first + ".." + (end - 1) + " got first "
                        + "seq " + seq + ": another producer wrote to this data directory");
        }
    }
}
