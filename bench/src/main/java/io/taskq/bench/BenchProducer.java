package io.taskq.bench;

import io.taskq.cli.OptionValues;
import io.taskq.cli.Pacer;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import io.taskq.workload.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The producer process of W1 and W2 (a separate JVM the harness starts with {@link io.taskq.cli.JvmLauncher}):
 * puts {@code --count} synthetic tasks with {@link TaskProducer}, one task per put, joins, then seals the stream so
 * the consumers exit.
 * <p>
 * Clocks, both {@code System.nanoTime()} in this process: {@code firstPutNanos} is read right before the first
 * {@code put}, {@code joinReturnNanos} right after {@code join} returns; the seal comes after.
 * {@code putPhaseNanos} ends right after the last put returns, so the producer's own put rate can be told from the
 * end-to-end rate. With {@code --rate R} task {@code i} is due at {@code scheduleStart + i * 1e9/R} and the put waits
 * for that time; the schedule is written to {@code --schedule FILE} before the first put, so the consumer's latency
 * handler measures from the intended send time (coordinated omission corrected: a put that falls behind does not move
 * later tasks' due times).
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
        System.exit(CommandLines.execute(new BenchProducer(), args, System.out, System.err));
    }

    @Override
    public Integer call() throws Exception {
        CommandLines.inRange("--count", count, 1, 100_000_000);
        CommandLines.inRange("--rate", rate, 0, 10_000_000);
        CommandLines.inRange("--warm-up", warmUp, 0, 100_000_000);
        if (warmUp > 0 && rate > 0)
            throw TaskQException.usage("--warm-up is for unpaced runs only");
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
            for (long i = 0; i < warmUp; i++)
                if (producer.put(Workload.value(i), Workload.payload(i)) != i)
                    throw new IllegalStateException("warm-up put " + i + " got another seq: another producer wrote to "
                            + "this data directory");
            if (warmUp > 0 && !producer.join(timeout))
                throw new IllegalStateException("the warm-up tasks were not done within " + timeout);
            long maxBehindNanos = 0;
            long firstPutNanos = System.nanoTime();
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
                    throw new IllegalStateException("put " + i + " got seq " + seq + ": another producer wrote to "
                            + "this data directory");
            }
            long lastPutNanos = System.nanoTime();
            boolean joined = producer.join(timeout);
            long joinReturnNanos = System.nanoTime();
            producer.seal();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("count", count);
            figures.put("warmUp", warmUp);
            figures.put("rate", rate);
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
}
