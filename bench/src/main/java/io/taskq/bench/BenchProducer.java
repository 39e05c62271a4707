package io.taskq.bench;

import io.taskq.common.TaskQException;
import io.taskq.workload.Workload;
import io.taskq.cli.Launch;
import io.taskq.cli.Options;
import io.taskq.common.config.TaskQConfig;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The producer process of W1 and W2 (a separate JVM the harness starts with {@link io.taskq.cli.JvmLauncher}):
 * puts {@code --count} synthetic tasks with {@link TaskProducer}, one task per put, joins, then seals the stream so
 * the consumers exit.
 * <p>
 * Clocks, both {@code System.nanoTime()} in this process: {@code firstPutNanos} is read right before the first
 * {@code put}, {@code joinReturnNanos} right after {@code join} returns; the seal comes after. {@code putPhaseNanos}
 * ends right after the last put returns, so the producer's own put rate can be told from the end-to-end rate. With {@code --rate R}
 * task {@code i} is due at {@code scheduleStart + i * 1e9/R} and the put waits for that time; the schedule is written
 * to {@code --schedule FILE} before the first put, so the consumer's latency handler measures from the intended send
 * time (coordinated omission corrected: a put that falls behind does not move later tasks' due times).
 * <p>
 * With {@code --warm-up W} the producer first puts tasks {@code 0..W-1} and joins them, untimed, so that this JVM and
 * the consumers' have compiled their hot paths (as in a long-running service); the timed phase then puts tasks
 * {@code W..W+N-1} and joins. The data directory ends up holding {@code W + N} tasks of the same workload.
 * <p>
 * Writes its figures to {@code --result FILE}; exit 0 only if every put got the expected seq and join returned.
 */
public final class BenchProducer {
    private BenchProducer() {
    }

    public static void main(String[] args) throws Exception {
        int code;
        try {
            code = run(args);
        } catch (TaskQException e) {
            System.err.println("bench producer: " + e.getMessage());
            code = e.exitCode();
        }
        System.exit(code);
    }

    static int run(String[] args) throws Exception {
        Options o = Options.parse("bench producer", args, Set.of("data-dir", "count", "warm-up", "rate", "schedule", "result", "timeout"),
                Set.of(), false);
        long count = o.longValue("count", 1, 100_000_000, 0);
        long rate = o.longValue("rate", 0, 10_000_000, 0);
        long warmUp = o.longValue("warm-up", 0, 100_000_000, 0);
        if (warmUp > 0 && rate > 0)
            throw TaskQException.usage("bench producer: --warm-up is for unpaced runs only");
        Duration timeout = o.durationValue("timeout", Duration.ofMinutes(10));
        if (!o.has("result") || !o.has("data-dir") || !o.has("count") || (rate > 0 && !o.has("schedule")))
            throw TaskQException.usage("usage: BenchProducer --data-dir DIR --count N --result FILE [--rate R --schedule FILE]");
        TaskQConfig config = Launch.config(o, Launch.dataDirFlag());
        Path result = Path.of(o.get("result"));
        long interval = rate == 0 ? 0 : 1_000_000_000L / rate;

        try (TaskProducer producer = TaskProducer.open(ProducerSettings.from(config))) {
            if (producer.submitted() != 0)
                throw TaskQException.usage("bench producer: " + config.get(io.taskq.common.config.Keys.DATA_DIR)
                        + " already holds tasks; every run needs a fresh data directory");
            long scheduleStart = System.nanoTime();
            if (interval > 0) {
                // A little ahead, so writing the schedule does not make task 0 late.
                scheduleStart += 1_000_000;
                RunFile.write(Path.of(o.get("schedule")), Map.of("startNanos", scheduleStart, "intervalNanos", interval,
                        "count", count));
            }
            for (long i = 0; i < warmUp; i++)
                if (producer.put(Workload.value(i), Workload.payload(i)) != i)
                    throw new IllegalStateException("warm-up put " + i + " got another seq: another producer wrote to this data directory");
            if (warmUp > 0 && !producer.join(timeout))
                throw new IllegalStateException("the warm-up tasks were not done within " + timeout);
            long maxBehindNanos = 0;
            long firstPutNanos = System.nanoTime();
            for (long i = warmUp; i < warmUp + count; i++) {
                if (interval > 0) {
                    long due = scheduleStart + i * interval;
                    long now = awaitDue(due);
                    maxBehindNanos = Math.max(maxBehindNanos, now - due);
                    if (i == 0)
                        firstPutNanos = now;
                }
                long seq = producer.put(Workload.value(i), Workload.payload(i));
                if (seq != i)
                    throw new IllegalStateException("put " + i + " got seq " + seq + ": another producer wrote to this data directory");
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

    /** Waits until {@code due} (parks when far, spins when near) and returns the time the wait ended. */
    static long awaitDue(long due) {
        for (long now = System.nanoTime(); ; now = System.nanoTime()) {
            long left = due - now;
            if (left <= 0)
                return now;
            if (left > 50_000)
                java.util.concurrent.locks.LockSupport.parkNanos(left - 20_000);
            else
                Thread.onSpinWait();
        }
    }
}
