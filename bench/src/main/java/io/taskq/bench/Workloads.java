package io.taskq.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.taskq.cli.JvmLauncher;
import io.taskq.common.Await;
import io.taskq.common.config.Keys;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.wire.DeadLetter;
import io.taskq.workload.Workload;
import net.openhft.chronicle.queue.RollCycles;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run of each standard workload and baseline, every process a separate JVM (or Python process) started the way
 * {@code bin/taskq} starts its own, with figures taken inside those processes. Every run checks its totals against
 * {@link Workload}'s closed form; one that does not verify throws {@link BenchFailure}. A run's data directory is
 * deleted once it has verified; its logs stay next to it.
 */
final class Workloads {
    /** The figures of one run. */
    interface Run {
        /** The run's headline figure, for the progress line. */
        String summary();
    }

    /**
     * One throughput run; {@code putPhaseNanos} (first to last put) and {@code perConsumerDone} only where the
     * producer and the slots say so (TaskQ runs), and {@code dead} only in a poison run: tasks of {@code count} that
     * were dead-lettered instead of done.
     */
    record Throughput(long count, long elapsedNanos, long putPhaseNanos, List<Long> perConsumerDone, long dead)
            implements Run {
        Throughput(long count, long elapsedNanos) {
            this(count, elapsedNanos, 0, List.of(), 0);
        }

        double tasksPerSec() {
            return count * 1e9 / elapsedNanos;
        }

        @Override
        public String summary() {
            String perSec = String.format(Locale.ROOT, "%,.0f tasks/s", tasksPerSec());
            return dead == 0 ? perSec : perSec + String.format(Locale.ROOT, ", %,d dead", dead);
        }
    }

    /**
     * The retry settings the consumers of a poison run get, as {@code TASKQ_*} variables so that neither the
     * configuration file nor the caller's environment changes them: the poison run's checks count on
     * {@code maxAttempts}.
     */
    record Retries(int maxAttempts, Duration backoff, Duration maxBackoff) {
        /** The consumers' defaults: 5 attempts, 100ms doubling with jitter, at most 30s. */
        static final Retries DEFAULTS = new Retries(Keys.MAX_ATTEMPTS.defaultValue(),
                Keys.RETRY_BACKOFF.defaultValue(), Keys.RETRY_MAX_BACKOFF.defaultValue());

        Retries {
            Keys.MAX_ATTEMPTS.check(maxAttempts);
            Keys.RETRY_BACKOFF.check(backoff);
            Keys.RETRY_MAX_BACKOFF.check(maxBackoff);
        }

        /** The same with {@code consumer.retry-backoff=backoff}. */
        Retries withBackoff(Duration newBackoff) {
            return new Retries(maxAttempts, newBackoff, maxBackoff);
        }

        Map<String, String> environment() {
            return Map.of(Keys.MAX_ATTEMPTS.envName(), Keys.MAX_ATTEMPTS.format(maxAttempts),
                    Keys.RETRY_BACKOFF.envName(), Keys.RETRY_BACKOFF.format(backoff),
                    Keys.RETRY_MAX_BACKOFF.envName(), Keys.RETRY_MAX_BACKOFF.format(maxBackoff));
        }
    }

    /**
     * One latency run: nanoseconds from the intended send time to the end of handling; {@code sincePut} (from the
     * put) may be null.
     */
    record Latency(Histogram intended, Histogram sincePut, String pauser, long maxBehindScheduleNanos) implements Run {
        @Override
        public String summary() {
            return String.format(Locale.ROOT, "p50 %.1f us, p99 %.1f us", intended.getValueAtPercentile(50) / 1000.0,
                    intended.getValueAtPercentile(99) / 1000.0);
        }
    }

    /**
     * What {@code seed_queue.py} prints: its settings, its own clock and the totals its consumers computed.
     */
    record PythonRun(long count, int perPut, boolean tuned, int consumers, long elapsedNanos, long done,
                     long sumValue, double sumPayload, List<Integer> consumerExitCodes) {
    }

    private static final Pattern IDLE_RUNS = Pattern.compile("idle runs (.*?), exit-on-eos");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path work;
    private final RollCycles rollCycle;
    private final Path pythonScript;
    private final String python;

    Workloads(Path work, RollCycles rollCycle, Path pythonScript, String python) {
        this.work = work;
        this.rollCycle = rollCycle;
        this.pythonScript = pythonScript;
        this.python = python;
    }

    /**
     * W1: 3 {@code taskq consume --exit-on-eos} processes with the configured defaults, then {@link BenchProducer}
     * once all three hold their slots (JVM start-up is outside the clock). Time from the first put to the return of
     * join, inside the producer. With {@code warmUp > 0} the producer first puts and joins that many tasks untimed
     * (the warm variant: every JVM has compiled its hot path before the clock starts).
     */
    Throughput w1(String name, long count, int consumers, long warmUp) throws IOException, InterruptedException {
        return w1(name, count, consumers, warmUp, 1, List.of(), Map.of(), 0,
                (data, children) -> verify(name, data, warmUp + count));
    }

    /**
     * W1 batch: W1, but {@link BenchProducer} puts {@code batch} tasks at a time with
     * {@link io.taskq.producer.TaskProducer#putAll}, one excerpt each, the {@code warmUp} untimed tasks (0: cold) as
     * well. The consumers claim task by task as in W1, and the totals verify as W1's.
     */
    Throughput w1Batch(String name, long count, int consumers, long warmUp, int batch)
            throws IOException, InterruptedException {
        return w1(name, count, consumers, warmUp, batch, List.of(), Map.of(), 0,
                (data, children) -> verify(name, data, warmUp + count));
    }

    /**
     * W1 poison: W1 cold, but the consumers run {@link PoisonHandler}, which fails every call of 1 task in 1,000, with
     * {@code retries} as their retry settings. Join returns once every task is done or dead, so the clock includes
     * the poison tasks' retries: with a backoff, the last ones' wait before their last attempts. The run verifies
     * that every other task is done once with its exact result, that each poison task is dead after
     * {@code retries.maxAttempts()} failed calls, that the dead-letter queue holds exactly the poison seqs, and that
     * each consumer's start-up line shows the retry settings it was given.
     */
    Throughput w1Poison(String name, long count, int consumers, Retries retries)
            throws IOException, InterruptedException {
        PoisonHandler.Expected expected = PoisonHandler.expected(count);
        return w1(name, count, consumers, 0, 1, List.of("--handler", PoisonHandler.NAME), retries.environment(),
                expected.poison(), (data, children) -> {
                    for (int k = 0; k < consumers; k++)
                        retriesInForce(name, children.log("consumer-" + k), retries);
                    return verifyPoison(name, data, count, expected, retries.maxAttempts());
                });
    }

    /**
     * W1 cold with the consumers given {@code consumerArgs} and {@code environment}: the results-log variants (the log
     * off, or a result body per task). The totals verify as W1's.
     */
    Throughput w1With(String name, long count, int consumers, List<String> consumerArgs,
                      Map<String, String> environment) throws IOException, InterruptedException {
        return w1(name, count, consumers, 0, 1, consumerArgs, environment, 0,
                (data, children) -> verify(name, data, count));
    }

    /** How a W1 run is checked once its processes have exited; returns the tasks each slot handled (done). */
    @FunctionalInterface
    private interface Check {
        List<Long> verify(Path data, Children children) throws IOException;
    }

    /**
     * A W1 run whose producer puts {@code batch} tasks per put (1: {@code put}, more: {@code putAll}), whose consumers
     * get {@code consumerArgs} after their own and {@code environment} added to theirs; {@code check} verifies the data
     * directory, in which {@code dead} tasks end dead.
     */
    private Throughput w1(String name, long count, int consumers, long warmUp, int batch, List<String> consumerArgs,
                          Map<String, String> environment, long dead, Check check)
            throws IOException, InterruptedException {
        Path run = fresh(name);
        Path data = run.resolve("data");
        Duration allowance = allowance(warmUp + count, 20_000);
        long deadline = System.nanoTime() + allowance.toNanos();
        try (Children children = new Children(run)) {
            for (int k = 0; k < consumers; k++) {
                List<String> args = new ArrayList<>(List.of("consume", "--index", String.valueOf(k),
                        "--exit-on-eos", "--data-dir", data.toString()));
                args.addAll(consumerArgs);
                children.start("consumer-" + k, JvmLauncher.command("consumer-" + k, List.of(), args), environment);
            }
            awaitSlots(children, data, consumers);
            Path result = run.resolve("producer.result");
            children.start("producer", JvmLauncher.command("producer", List.of(), BenchProducer.class.getName(),
                    List.of("--data-dir", data.toString(), "--count", String.valueOf(count),
                            "--warm-up", String.valueOf(warmUp), "--batch", String.valueOf(batch),
                            "--result", result.toString(),
                            // join may wait as long as the harness does: W1 large's allowance (20,000,000
                            // tasks) is longer than the producer's default of 10m.
                            "--timeout", allowance.toSeconds() + "s")));
            children.awaitAll(deadline);
            Properties p = RunFile.read(result);
            List<Long> perConsumer = check.verify(data, children);
            deleteData(data);
            return new Throughput(count, RunFile.longValue(p, "elapsedNanos", result),
                    RunFile.longValue(p, "putPhaseNanos", result), perConsumer, dead);
        }
    }

    /**
     * W2: one {@code taskq consume} with the {@code bench-latency} handler and idle strategy {@code idle} (null: the
     * configured default), and {@link BenchProducer} at {@code rate} tasks/s.
     */
    Latency w2(String name, long count, long rate, long warmup, String idle) throws IOException, InterruptedException {
        Path run = fresh(name);
        Path data = run.resolve("data");
        Path schedule = run.resolve("schedule");
        Path out = run.resolve("latency");
        try (Children children = new Children(run)) {
            List<String> args = new ArrayList<>(List.of("consume", "--index", "0", "--exit-on-eos",
                    "--data-dir", data.toString(), "--handler", LatencyRecordingHandler.NAME));
            if (idle != null)
                args.addAll(List.of("--idle", idle));
            children.start("consumer-0", JvmLauncher.command("consumer-0", List.of(
                    "-Dtaskq.bench.schedule=" + schedule, "-Dtaskq.bench.count=" + count,
                    "-Dtaskq.bench.warmup=" + warmup, "-Dtaskq.bench.out=" + out), args));
            awaitSlots(children, data, 1);
            Path result = run.resolve("producer.result");
            children.start("producer", JvmLauncher.command("producer", List.of(), BenchProducer.class.getName(),
                    List.of("--data-dir", data.toString(), "--count", String.valueOf(count),
                            "--rate", String.valueOf(rate), "--schedule", schedule.toString(),
                            "--result", result.toString())));
            children.awaitAll(deadline(count, rate / 2));
            verify(name, data, count);
            deleteData(data);
            Properties p = RunFile.read(result);
            return new Latency(LatencyRecordingHandler.read(out.resolveSibling("latency.intended.hdr")),
                    LatencyRecordingHandler.read(out.resolveSibling("latency.put.hdr")),
                    pauser(children.log("consumer-0")), RunFile.longValue(p, "maxBehindScheduleNanos", result));
        }
    }

    /**
     * chronicle-raw throughput: {@link RawChronicle} consumer (busy), then its producer as fast as it goes; with
     * {@code warmUp > 0}, after that many untimed tasks, as in warm W1.
     */
    Throughput rawThroughput(String name, long count, long warmUp) throws IOException, InterruptedException {
        Path run = fresh(name);
        Properties consumer = raw(run, count, warmUp, 0, 0, false, "dto");
        return rawThroughputOf(run, count, consumer);
    }

    /**
     * chronicle-raw-min throughput: the same pair and clocks with {@code RawChronicle --format min}, one raw 20-byte
     * excerpt per task, cold. Besides the totals, the sum of the seqs the consumer read is checked.
     */
    Throughput rawMinThroughput(String name, long count) throws IOException, InterruptedException {
        Path run = fresh(name);
        Properties consumer = raw(run, count, 0, 0, 0, false, "min");
        long sumSeq = Long.parseLong(consumer.getProperty("sumSeq"));
        long expectedSeq = count * (count - 1) / 2;
        if (sumSeq != expectedSeq)
            throw new BenchFailure(name + " did not verify: sumSeq " + sumSeq + "; expected " + expectedSeq);
        return rawThroughputOf(run, count, consumer);
    }

    /** N / (the consumer's lastHandledNanos - the producer's firstPutNanos). */
    private static Throughput rawThroughputOf(Path run, long count, Properties consumer) throws IOException {
        Properties producer = RunFile.read(run.resolve("producer.result"));
        long elapsed = Long.parseLong(consumer.getProperty("lastHandledNanos"))
                - Long.parseLong(producer.getProperty("firstPutNanos"));
        return new Throughput(count, elapsed);
    }

    /** chronicle-raw latency: the same pair, the producer paced at {@code rate}, the consumer busy-spinning. */
    Latency rawLatency(String name, long count, long rate, long warmup) throws IOException, InterruptedException {
        Path run = fresh(name);
        Properties consumer = raw(run, count, 0, rate, warmup, true, "dto");
        Properties producer = RunFile.read(run.resolve("producer.result"));
        return new Latency(LatencyRecordingHandler.read(run.resolve("latency.intended.hdr")), null,
                consumer.getProperty("idle"), Long.parseLong(producer.getProperty("maxBehindScheduleNanos")));
    }

    /** One {@link RawChronicle} pair with excerpt {@code format}; returns the consumer's figures once verified. */
    private Properties raw(Path run, long count, long warmUp, long rate, long warmup, boolean latency, String format)
            throws IOException, InterruptedException {
        Path warmSignal = run.resolve("consumer.warm");
        Path queue = run.resolve("queue");
        Path ready = run.resolve("consumer.ready");
        Path consumerResult = run.resolve("consumer.result");
        try (Children children = new Children(run)) {
            List<String> c = new ArrayList<>(List.of("consume", "--dir", queue.toString(),
                    "--count", String.valueOf(count), "--warm-up", String.valueOf(warmUp),
                    "--warm-signal", warmSignal.toString(), "--idle", "busy", "--ready", ready.toString(),
                    "--result", consumerResult.toString(), "--format", format));
            if (latency)
                c.addAll(List.of("--warmup", String.valueOf(warmup), "--out", run.resolve("latency").toString()));
            children.start("raw-consumer",
                    JvmLauncher.command("raw-consumer", List.of(), RawChronicle.class.getName(), c));
            String notStarted = "the raw Chronicle consumer did not start; see " + children.log("raw-consumer");
            boolean started = Await.STEADY.until(START_TIMEOUT, () -> {
                if (Files.exists(ready))
                    return true;
                children.checkNoneFailed();
                if (children.anyExited())
                    throw new BenchFailure(notStarted);
                return false;
            });
            if (!started && Thread.currentThread().isInterrupted())
                throw new InterruptedException("interrupted while waiting for the raw Chronicle consumer");
            if (!started)
                throw new BenchFailure(notStarted);
            List<String> p = new ArrayList<>(List.of("produce", "--dir", queue.toString(),
                    "--count", String.valueOf(count), "--warm-up", String.valueOf(warmUp),
                    "--warm-signal", warmSignal.toString(), "--result", run.resolve("producer.result").toString(),
                    "--format", format));
            if (rate > 0)
                p.addAll(List.of("--rate", String.valueOf(rate)));
            children.start("raw-producer",
                    JvmLauncher.command("raw-producer", List.of(), RawChronicle.class.getName(), p));
            children.awaitAll(deadline(warmUp + count, rate > 0 ? rate / 2 : 20_000));
        }
        Properties r = RunFile.read(consumerResult);
        long done = Long.parseLong(r.getProperty("done"));
        long sumValue = Long.parseLong(r.getProperty("sumValue"));
        double sumPayload = Double.parseDouble(r.getProperty("sumPayload"));
        check(run.getFileName().toString(), warmUp + count, done, sumValue, sumPayload);
        deleteData(queue);
        return r;
    }

    /**
     * python-seed: the textbook program with 3 consumers and {@code perPut} tasks per put, as the article writes it
     * or, with {@code tuned}, with an unsynchronized Array and a plain blocking get; its own clock.
     */
    Throughput python(String name, long count, int perPut, boolean tuned) throws IOException, InterruptedException {
        Path run = fresh(name);
        Path out = run.resolve("python.out");
        List<String> command = new ArrayList<>(List.of(python, pythonScript.toString(),
                "--count", String.valueOf(count), "--consumers", "3", "--per-put", String.valueOf(perPut)));
        if (tuned)
            command.add("--tuned");
        try (Children children = new Children(run)) {
            Process p = children.start("python", command, out);
            Path log = children.log("python");
            if (!p.waitFor(deadline(count, 5_000) - System.nanoTime(), TimeUnit.NANOSECONDS))
                throw new BenchFailure(name + ": the Python baseline did not finish in time; see " + log);
            if (p.exitValue() != 0)
                throw new BenchFailure(name + ": the Python baseline exited with " + p.exitValue() + "; see " + log);
        }
        String json = Files.readString(out, StandardCharsets.UTF_8);
        PythonRun figures;
        try {
            figures = BenchJson.readComplete(json, PythonRun.class);
        } catch (JsonProcessingException e) {
            throw new BenchFailure(name + ": the Python baseline printed " + json.strip() + ", not its figures ("
                    + e.getOriginalMessage() + ")");
        }
        check(name, count, figures.done(), figures.sumValue(), figures.sumPayload());
        return new Throughput(count, figures.elapsedNanos());
    }

    /**
     * Totals in the data directory against the closed form: every task handled once, results summed exactly.
     * Returns the tasks each slot handled.
     */
    private List<Long> verify(String name, Path data, long count) {
        try (DataDirectory d = DataDirectory.openExisting(data, rollCycle)) {
            Progress p = Progress.read(d);
            if (p.submitted() != count || !p.allDone())
                throw new BenchFailure(name + " did not verify: submitted " + p.submitted() + ", done " + p.done()
                        + ", sealed " + p.sealed() + " (expected " + count + ")");
            check(name, count, p.done(), p.sumValue(), p.sumPayload());
            return p.slots().stream().map(slot -> slot.figures().done).toList();
        }
    }

    /**
     * A poison run's data directory against {@code expected}: every task finished, none waiting for a retry; the tasks
     * that are not poison done with their exact sums; each poison task dead after {@code maxAttempts} failed calls,
     * and the dead-letter queue holding exactly the poison seqs, each with {@link PoisonHandler}'s exception. Returns
     * the tasks each slot handled (done).
     */
    private List<Long> verifyPoison(String name, Path data, long count, PoisonHandler.Expected expected,
                                    int maxAttempts) {
        try (DataDirectory d = DataDirectory.openExisting(data, rollCycle)) {
            Progress p = Progress.read(d);
            long poison = expected.poison();
            if (p.submitted() != count || !p.allDone() || p.retrying() != 0 || p.done() != expected.done()
                    || p.dead() != poison || p.failures() != maxAttempts * poison
                    || p.sumValue() != expected.sumValue() || p.sumPayload() != expected.sumPayload())
                throw new BenchFailure(name + " did not verify: submitted " + p.submitted() + ", sealed " + p.sealed()
                        + ", done " + p.done() + ", dead " + p.dead() + ", failed calls " + p.failures()
                        + ", retrying " + p.retrying() + ", sumValue " + p.sumValue() + ", sumPayload "
                        + p.sumPayload() + "; expected " + count + " submitted, all finished, " + expected.done()
                        + " done, " + poison + " dead, " + maxAttempts * poison + " failed calls (" + maxAttempts
                        + " per poison task), 0 retrying, " + expected.sumValue() + ", " + expected.sumPayload());
            List<DeadLetter> letters = d.deadLetters().list();
            List<Long> seqs = letters.stream().map(l -> l.seq).sorted().toList();
            if (!seqs.equals(expected.poisonSeqs()))
                throw new BenchFailure(name + " did not verify: the dead-letter queue " + d.deadLetters().dir()
                        + " holds " + letters.size() + " letters, seqs " + first(seqs) + "; expected the " + poison
                        + " poison seqs " + first(expected.poisonSeqs()));
            String errorClass = PoisonHandler.PoisonTaskException.class.getName();
            for (DeadLetter letter : letters)
                if (letter.attempts != maxAttempts || !letter.errorClass.equals(errorClass))
                    throw new BenchFailure(name + " did not verify: the dead letter of seq " + letter.seq + " has "
                            + letter.attempts + " attempts and error " + letter.errorClass + "; expected "
                            + maxAttempts + " and " + errorClass);
            return p.slots().stream().map(slot -> slot.figures().done).toList();
        }
    }

    /**
     * Throws unless the consumer's start-up line (in {@code log}) shows each of {@code retries} as set by its
     * {@code TASKQ_*} variable, e.g. {@code consumer.retry-backoff=0s (TASKQ_CONSUMER_RETRY_BACKOFF)}.
     */
    private static void retriesInForce(String name, Path log, Retries retries) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        for (String expected : List.of(
                setting(Keys.MAX_ATTEMPTS.name(), Keys.MAX_ATTEMPTS.format(retries.maxAttempts()),
                        Keys.MAX_ATTEMPTS.envName()),
                setting(Keys.RETRY_BACKOFF.name(), Keys.RETRY_BACKOFF.format(retries.backoff()),
                        Keys.RETRY_BACKOFF.envName()),
                setting(Keys.RETRY_MAX_BACKOFF.name(), Keys.RETRY_MAX_BACKOFF.format(retries.maxBackoff()),
                        Keys.RETRY_MAX_BACKOFF.envName())))
            if (!text.contains(expected))
                throw new BenchFailure(name + ": the consumer's start-up line does not show " + expected + "; see "
                        + log);
    }

    private static String setting(String key, String value, String variable) {
        return key + "=" + value + " (" + variable + ")";
    }

    /** The first few of {@code seqs}, for a message. */
    private static String first(List<Long> seqs) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < Math.min(5, seqs.size()); i++)
            s.append(i == 0 ? "" : ", ").append(seqs.get(i));
        return s.append(seqs.size() > 5 ? ", ... (" + seqs.size() + " in all)]" : "]").toString();
    }

    private static void check(String name, long count, long done, long sumValue, double sumPayload) {
        long expectedValue = Workload.expectedSumValue(count);
        double expectedPayload = Workload.expectedSumPayload(count);
        if (done != count || sumValue != expectedValue || sumPayload != expectedPayload)
            throw new BenchFailure(name + " did not verify: done " + done + ", sumValue " + sumValue + ", sumPayload "
                    + sumPayload + "; expected " + count + ", " + expectedValue + ", " + expectedPayload);
    }

    /** Waits until {@code slots} consumers hold their slots, so the producer's clock does not include JVM start-up. */
    private void awaitSlots(Children children, Path data, int slots) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        boolean taken = Progress.awaitUsedSlots(data, rollCycle, slots, deadline, () -> {
            children.checkNoneFailed();
            if (children.anyExited())
                throw new BenchFailure("a consumer exited before the producer started; see the logs in "
                        + data.getParent());
            return true;
        });
        if (!taken)
            throw new BenchFailure("the consumers did not all start in time; see the logs in " + data.getParent());
    }

    /** What the consumer logged as the pauser it really runs, e.g. "busy (BusyPauser: spins, ..., 2 CPUs)". */
    private static String pauser(Path log) throws IOException {
        Matcher m = IDLE_RUNS.matcher(Files.readString(log, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : "unknown (no 'idle runs' line in " + log + ")";
    }

    private Path fresh(String name) throws IOException {
        Path run = work.resolve(name);
        deleteData(run);
        return Files.createDirectories(run);
    }

    /** Start-up allowance plus the run at no less than {@code minRate} tasks/s, from now. */
    private static long deadline(long count, long minRate) {
        return System.nanoTime() + allowance(count, minRate).toNanos();
    }

    /** Start-up allowance plus the run of {@code count} tasks at no less than {@code minRate} tasks/s. */
    private static Duration allowance(long count, long minRate) {
        return START_TIMEOUT.plusSeconds(count / Math.max(1, minRate));
    }

    static void deleteData(Path dir) throws IOException {
        if (!Files.exists(dir))
            return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList())
                Files.delete(p);
        }
    }
}
