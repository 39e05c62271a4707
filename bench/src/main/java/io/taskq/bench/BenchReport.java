package io.taskq.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.taskq.common.config.Keys;

import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What one {@code taskq bench} invocation measured: the object {@code --json} prints and {@code latest.json} holds,
 * and the only input of the table ({@link Report}). One record per JSON object, its components named and ordered as
 * the JSON keys (docs/BENCHMARKS.md lists those that scripts rely on); {@link BenchJson} writes and reads it. A
 * null component is left out of the JSON: a workload that was not run, a warm-up of 0. Immutable.
 *
 * @param workloads {@code w1}, {@code w2}, {@code w1-large}, {@code w1-batch} or {@code all}
 * @param seconds   how long the runs took, in whole seconds
 * @param w1ResultsOff   W1 cold with {@code consumer.results=off}: no results log, the slot totals only
 * @param w1ResultBodies W1 cold with the {@code bench-body} handler: a 32-byte result body per task in the log
 * @param w1Large        W1 cold with 20,000,000 tasks (workload {@code w1-large}), one task per put: long enough
 *                       that JVM start-up and the JIT's first seconds no longer dominate the figure
 * @param w1Batch        W1 cold with the producer putting {@code perPut} tasks per {@code putAll} (workload
 *                       {@code w1-batch}); W1, W1 warm and W1 large put one task per put
 * @param w1BatchWarm    W1 batch after the untimed tasks of W1 warm, in the same JVMs (also workload
 *                       {@code w1-batch}): batched TaskQ once its JVMs have compiled their hot paths
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BenchReport(String workloads, int runs, boolean quick, String date, Host machine, long seconds,
                   W1Entry w1, W1Entry w1Warm, W1PoisonEntry w1Poison, W1PoisonEntry w1PoisonNoBackoff, W2Entry w2,
                   Baselines baselines, Ratios ratios, W1Entry w1ResultsOff, W1Entry w1ResultBodies,
                   W1Entry w1Large, W1Entry w1Batch, W1Entry w1BatchWarm) {

    /** The machine and how busy it was: the 1-minute load average at the start and at the end (-1: unknown). */
    record Host(int cpus, String cpuModel, String jdk, String os, double loadAverageAtStart,
                double loadAverageAtEnd) {
        static Host of(Machine machine, double loadAverageAtStart, double loadAverageAtEnd) {
            return new Host(machine.cpus(), machine.cpuModel(), machine.jdk(), machine.os(), loadAverageAtStart,
                    loadAverageAtEnd);
        }
    }

    /**
     * W1, cold or warm: end-to-end throughput, each run's elapsed time, the producer's own put rate (tasks/s) and the
     * tasks each consumer handled in each run. {@code warmUp} (untimed tasks before the clock) is null for the cold
     * run. {@code perPut} is the tasks the producer put per {@code putAll} in W1 batch, and null (left out) where it
     * put one task per put. {@code verified} is always true: a run that does not verify fails the whole invocation.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record W1Entry(Stats tasksPerSec, List<Double> elapsedMillis, Stats producerPutsPerSec,
                   List<List<Long>> tasksPerConsumer, long count, Long warmUp, int consumers, Integer perPut,
                   boolean verified) {
        /** A W1 run at one task per put. */
        static W1Entry of(List<Workloads.Throughput> runs, long count, long warmUp, int consumers) {
            return of(runs, count, warmUp, consumers, 1);
        }

        /** A W1 run at {@code perPut} tasks per put (1: {@code put}, more: {@code putAll}). */
        static W1Entry of(List<Workloads.Throughput> runs, long count, long warmUp, int consumers, int perPut) {
            return new W1Entry(tasksPerSecOf(runs), elapsedMillisOf(runs),
                    Stats.of(runs.stream().map(t -> t.count() * 1e9 / t.putPhaseNanos()).toList()),
                    runs.stream().map(Workloads.Throughput::perConsumerDone).toList(), count,
                    warmUp > 0 ? warmUp : null, consumers, perPut > 1 ? perPut : null, true);
        }
    }

    /**
     * W1 with poison tasks: W1 cold with the {@code bench-poison} handler, which fails every call of the
     * {@code poison} tasks whose value matches {@code poisonRule}, each of which is dead after {@code maxAttempts}
     * calls, with the consumers' {@code retryBackoff} and {@code retryMaxBackoff}. {@code overW1Cold} is its median
     * tasks/s over W1 cold's, measured in the same rounds. {@code afterLastPutMillis}, per run, is the time from the
     * last put to join's return: the consumers finishing, with the poison tasks' last retries. {@code verified} is
     * always true: done, dead, failed calls, sums and dead letters were all checked.
     */
    record W1PoisonEntry(Stats tasksPerSec, double overW1Cold, List<Double> elapsedMillis,
                         List<Double> afterLastPutMillis, Stats producerPutsPerSec, List<List<Long>> tasksPerConsumer,
                         long count, long poison, String poisonRule, int maxAttempts, String retryBackoff,
                         String retryMaxBackoff, int consumers, boolean verified) {
        static W1PoisonEntry of(List<Workloads.Throughput> runs, List<Workloads.Throughput> w1Cold, long count,
                                Workloads.Retries retries, int consumers) {
            Stats tasksPerSec = tasksPerSecOf(runs);
            return new W1PoisonEntry(tasksPerSec, tasksPerSec.median() / tasksPerSecOf(w1Cold).median(),
                    elapsedMillisOf(runs), runs.stream().map(t -> (t.elapsedNanos() - t.putPhaseNanos()) / 1e6)
                    .toList(), Stats.of(runs.stream().map(t -> t.count() * 1e9 / t.putPhaseNanos()).toList()),
                    runs.stream().map(Workloads.Throughput::perConsumerDone).toList(), count, runs.get(0).dead(),
                    PoisonHandler.RULE, retries.maxAttempts(), Keys.RETRY_BACKOFF.format(retries.backoff()),
                    Keys.RETRY_MAX_BACKOFF.format(retries.maxBackoff()), consumers, true);
        }
    }

    /** W2: the pacing, and the latency with the consumer busy-spinning and with the configured idle strategy. */
    record W2Entry(long count, long rate, long warmup, String from, LatencyEntry busy,
                   @JsonProperty("default") LatencyEntry configuredIdle) {
        static final String FROM = "intended send time";
    }

    /**
     * Latency from the intended send time to the end of handling, in µs: each {@code pXXMicros} is the median over
     * the runs, with the runs' spread under {@code spread}. {@code hgrm} names the file holding all runs merged.
     * {@code sincePut} is null where the run does not measure it (chronicle-raw).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LatencyEntry(double p50Micros, double p90Micros, double p99Micros, double p999Micros,
                        double maxMicros, Spread spread, String pauser, long samplesPerRun,
                        List<Double> producerMaxBehindScheduleMicros, String hgrm, SincePut sincePut) {
    }

    /** Each latency percentile of {@link LatencyEntry} over the runs. */
    record Spread(Stats p50Micros, Stats p90Micros, Stats p99Micros, Stats p999Micros, Stats maxMicros) {
    }

    /** W2 measured from {@code Task.createdNanos} (the put), all runs merged. */
    record SincePut(double p50Micros, double p99Micros, String note) {
        static final String NOTE =
                "from Task.createdNanos (the put), all runs merged: not corrected for coordinated omission";
    }

    /**
     * The baselines measured in the same invocation, under their names in docs/BENCHMARKS.md.
     * {@code chronicle-raw-min} (with W1) and {@code chronicle-raw-min-large} (with W1 large) move one raw 20-byte
     * excerpt per task instead of TaskQ's own excerpt.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Baselines(@JsonProperty("python-seed") ThroughputEntry pythonSeed,
                     @JsonProperty("python-tuned") ThroughputEntry pythonTuned,
                     @JsonProperty("python-seed-100") ThroughputEntry pythonSeed100,
                     @JsonProperty("chronicle-raw") ChronicleRaw chronicleRaw,
                     @JsonProperty("chronicle-raw-warm") ThroughputEntry chronicleRawWarm,
                     @JsonProperty("chronicle-raw-min") ThroughputEntry chronicleRawMin,
                     @JsonProperty("chronicle-raw-min-large") ThroughputEntry chronicleRawMinLarge) {
    }

    /**
     * A throughput baseline: tasks/s over the runs and each run's elapsed time. {@code perPut} and {@code tuned}
     * (the Python baselines) and {@code warmUp} (chronicle-raw warm) are null where they do not apply.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ThroughputEntry(Stats tasksPerSec, List<Double> elapsedMillis, long count, Integer perPut,
                           Boolean tuned, Long warmUp) {
        /** A chronicle-raw run; {@code warmUp} untimed tasks before the clock (0: cold, and left out). */
        static ThroughputEntry of(List<Workloads.Throughput> runs, long count, long warmUp) {
            return new ThroughputEntry(tasksPerSecOf(runs), elapsedMillisOf(runs), count, null, null,
                    warmUp > 0 ? warmUp : null);
        }

        /** A Python run with {@code perPut} tasks per put; {@code tuned} is left out unless true. */
        static ThroughputEntry python(List<Workloads.Throughput> runs, long count, int perPut, boolean tuned) {
            return new ThroughputEntry(tasksPerSecOf(runs), elapsedMillisOf(runs), count, perPut, tuned ? true : null,
                    null);
        }
    }

    /**
     * chronicle-raw: its throughput (measured with W1) and its latency (measured with W2) side by side in one JSON
     * object, as the two parts of {@link #of}; the components of a part that was not measured are null.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChronicleRaw(Stats tasksPerSec, List<Double> elapsedMillis, Long count, Double p50Micros,
                        Double p90Micros, Double p99Micros, Double p999Micros, Double maxMicros, Spread spread,
                        String pauser, Long samplesPerRun, List<Double> producerMaxBehindScheduleMicros,
                        String hgrm) {
        /** Either part may be null (both: null); the latency part has no {@code sincePut}. */
        static ChronicleRaw of(ThroughputEntry t, LatencyEntry l) {
            if (t == null && l == null)
                return null;
            return new ChronicleRaw(t == null ? null : t.tasksPerSec(), t == null ? null : t.elapsedMillis(),
                    t == null ? null : t.count(), l == null ? null : l.p50Micros(), l == null ? null : l.p90Micros(),
                    l == null ? null : l.p99Micros(), l == null ? null : l.p999Micros(),
                    l == null ? null : l.maxMicros(), l == null ? null : l.spread(), l == null ? null : l.pauser(),
                    l == null ? null : l.samplesPerRun(), l == null ? null : l.producerMaxBehindScheduleMicros(),
                    l == null ? null : l.hgrm());
        }

        /** The latency part, or null when it was not measured. */
        LatencyEntry latency() {
            return p50Micros == null ? null : new LatencyEntry(p50Micros, p90Micros, p99Micros, p999Micros,
                    maxMicros, spread, pauser, samplesPerRun, producerMaxBehindScheduleMicros, hgrm, null);
        }
    }

    /**
     * Each target of the benchmark issues that this invocation measured, against its medians. The 80% target against
     * chronicle-raw is also shown against chronicle-raw-min ({@code w1OverChronicleRawMin}) and, for W1 large,
     * against chronicle-raw-min large ({@code w1LargeOverChronicleRawMinLarge}). W1 batch has the 2.4× target against
     * python-seed-100 ({@code w1BatchOverPythonSeed100}), shown for W1 batch warm too
     * ({@code w1BatchWarmOverPythonSeed100}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Ratios(Ratio w1TasksPerSec, Ratio w1OverPythonSeed, Ratio w1OverPythonSeed100,
                  Ratio w1OverChronicleRaw, Ratio w1OverChronicleRawMin, Ratio w1WarmTasksPerSec,
                  Ratio w1WarmOverPythonSeed, Ratio w1WarmOverPythonTuned, Ratio w1WarmOverPythonSeed100,
                  Ratio w1WarmOverChronicleRawWarm, Ratio w1LargeOverChronicleRawMinLarge,
                  Ratio w1BatchOverPythonSeed100, Ratio w1BatchWarmOverPythonSeed100, Ratio w2BusyP50Micros,
                  Ratio w2BusyP99OverChronicleRawP99) {
        /** Those measured, in the order of the JSON. */
        List<Ratio> measured() {
            return Stream.of(w1TasksPerSec, w1OverPythonSeed, w1OverPythonSeed100, w1OverChronicleRaw,
                    w1OverChronicleRawMin, w1WarmTasksPerSec, w1WarmOverPythonSeed, w1WarmOverPythonTuned,
                    w1WarmOverPythonSeed100, w1WarmOverChronicleRawWarm, w1LargeOverChronicleRawMinLarge,
                    w1BatchOverPythonSeed100, w1BatchWarmOverPythonSeed100, w2BusyP50Micros,
                    w2BusyP99OverChronicleRawP99)
                    .filter(Objects::nonNull).toList();
        }
    }

    /** One target: the measured value, the target as {@code ">= 40.0"} or {@code "<= 2.00"}, and whether it is met. */
    record Ratio(String what, double value, String target, boolean met) {
        static Ratio atLeast(double value, double target, String what) {
            return new Ratio(what, value, ">= " + Report.format(target), value >= target);
        }

        static Ratio atMost(double value, double target, String what) {
            return new Ratio(what, value, "<= " + Report.format(target), value <= target);
        }
    }

    private static Stats tasksPerSecOf(List<Workloads.Throughput> runs) {
        return Stats.of(runs.stream().map(Workloads.Throughput::tasksPerSec).toList());
    }

    private static List<Double> elapsedMillisOf(List<Workloads.Throughput> runs) {
        return runs.stream().map(t -> t.elapsedNanos() / 1e6).toList();
    }
}
