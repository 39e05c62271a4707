package io.taskq.bench;

import io.taskq.common.TaskQException;
import io.taskq.cli.Launch;
import io.taskq.cli.Options;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * {@code taskq bench [w1|w2|all] [--runs K] [--quick] [--json] [--results DIR]}: runs the standard workloads of
 * docs/BENCHMARKS.md as real separate processes, with the baselines in the same invocation, and prints a table
 * (median and min–max over K runs, ratios against the baselines) or, with {@code --json}, one JSON object. Writes
 * {@code .hgrm} files, a latency plot ({@code w2-latency.svg}) and the table and JSON under {@code bench/results/}.
 * Runs are interleaved (run 1 of everything, then run 2, ...) so that drift on a shared machine spreads over all.
 * <p>
 * Exit codes: 0 every run verified; 1 a run failed or did not verify (it does not count, and no table is printed);
 * 2 bad usage. It reports speed and never judges it: the targets are shown, not enforced.
 */
public final class BenchMain {
    static final String USAGE = """
            usage: taskq bench [w1|w2|all] [--runs K] [--quick] [--json] [--results DIR]
              w1          throughput: 1,000,000 tasks, 1 producer and 3 consumer processes, results and join, cold and
                          warm (after 200,000 untimed tasks); baselines python-seed (1 and 100 tasks per put),
                          python-tuned and chronicle-raw (1:1, cold and warm)
              w2          latency: 1 producer, 1 consumer, 200,000 tasks at 50,000/s, from the intended send time,
                          first 20,000 discarded; consumer idle busy and the configured default; baseline chronicle-raw
              all         both (the default)
              --runs K    runs of each, 1..20 (default 3); the table shows median and min-max
              --quick     small counts and 1 run, to check the harness end to end (CI)
              --json      print one JSON object instead of the table
              --results D where .hgrm files, the plot and the latest table go (default bench/results)
            """;

    /** Sizes of one invocation. */
    record Sizes(long w1Count, long w1WarmUp, long pythonCount, long pythonBatchedCount, long rawCount, long w2Count, long w2Rate,
                 long w2Warmup) {
        static final Sizes FULL = new Sizes(1_000_000, 200_000, 1_000_000, 1_000_000, 1_000_000, 200_000, 50_000, 20_000);
        static final Sizes QUICK = new Sizes(50_000, 10_000, 20_000, 50_000, 50_000, 20_000, 50_000, 2_000);
    }

    static final int W1_CONSUMERS = 3;

    private BenchMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs the command; returns its exit code. Progress goes to {@code err}, the table or JSON to {@code out}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return bench(args, out, err);
        } catch (TaskQException e) {
            err.println(e.getMessage().startsWith("taskq ") ? e.getMessage() : "taskq bench: " + e.getMessage());
            return e.exitCode();
        } catch (BenchFailure e) {
            err.println("taskq bench: FAILED: " + e.getMessage());
            return TaskQException.EXIT_FAILED;
        } catch (Exception e) {
            err.println("taskq bench: failed: " + e);
            e.printStackTrace(err);
            return TaskQException.EXIT_FAILED;
        }
    }

    private static int bench(String[] args, PrintStream out, PrintStream err) throws Exception {
        Options o = Options.parse("taskq bench", args, Set.of("runs", "results", "config"), Set.of("quick", "json", "help"), true);
        if (o.flag("help")) {
            out.print(USAGE);
            return 0;
        }
        for (String arg : o.rest())
            if (arg.startsWith("--"))
                throw TaskQException.usage("taskq bench: unknown option " + arg + " (see taskq bench --help)");
        if (o.rest().size() > 1 || (o.rest().size() == 1 && !Set.of("w1", "w2", "all").contains(o.rest().get(0))))
            throw TaskQException.usage("taskq bench: expected one of w1, w2, all, got " + String.join(" ", o.rest())
                    + " (see taskq bench --help)");
        String which = o.rest().isEmpty() ? "all" : o.rest().get(0);
        boolean quick = o.flag("quick");
        if (quick && o.has("runs"))
            throw TaskQException.usage("taskq bench: --quick runs once; leave out --runs");
        int runs = quick ? 1 : (int) o.longValue("runs", 1, 20, 3);
        Sizes sizes = quick ? Sizes.QUICK : Sizes.FULL;
        boolean w1 = !which.equals("w2");
        boolean w2 = !which.equals("w1");

        Path home = home();
        Path results = o.has("results") ? Path.of(o.get("results")) : home.resolve("bench").resolve("results");
        Files.createDirectories(results);
        Path work = results.resolve("runs");
        Workloads.deleteData(work);
        Files.createDirectories(work);
        Path script = home.resolve("bench").resolve("python").resolve("seed_queue.py");
        if (w1 && !Files.isRegularFile(script))
            throw TaskQException.usage("taskq bench: the Python baseline " + script + " is missing (is TASKQ_HOME the checkout?)");
        String python = System.getenv().getOrDefault("TASKQ_PYTHON", "python3");
        TaskQConfig config = Launch.config(o, Map.of());
        Workloads workloads = new Workloads(work, config.get(Keys.ROLL_CYCLE), script, python);

        Machine machine = Machine.describe();
        double loadAtStart = Machine.loadAverage();
        err.printf("taskq bench %s: %d run(s)%s on %s%n", which, runs, quick ? " (quick)" : "", machine.oneLine());
        if (loadAtStart > machine.cpus())
            err.printf(Locale.ROOT, "taskq bench: warning: the load average is %.1f on %d CPUs; other work competes with the "
                    + "benchmark and its figures will say more about the machine than about TaskQ%n", loadAtStart, machine.cpus());
        long started = System.nanoTime();

        List<Workloads.Throughput> w1Runs = new ArrayList<>();
        List<Workloads.Throughput> w1WarmRuns = new ArrayList<>();
        List<Workloads.Throughput> rawWarmRuns = new ArrayList<>();
        List<Workloads.Throughput> pyRuns = new ArrayList<>();
        List<Workloads.Throughput> pyTunedRuns = new ArrayList<>();
        List<Workloads.Throughput> pyBatchedRuns = new ArrayList<>();
        List<Workloads.Throughput> rawRuns = new ArrayList<>();
        List<Workloads.Latency> busyRuns = new ArrayList<>();
        List<Workloads.Latency> defaultRuns = new ArrayList<>();
        List<Workloads.Latency> rawLatRuns = new ArrayList<>();
        String defaultIdle = config.get(Keys.IDLE);
        for (int run = 1; run <= runs; run++) {
            final int k = run;
            if (w1) {
                w1Runs.add(step(err, "W1 run " + k, () -> workloads.w1("w1-" + k, sizes.w1Count(), W1_CONSUMERS, 0)));
                w1WarmRuns.add(step(err, "W1 warm run " + k,
                        () -> workloads.w1("w1-warm-" + k, sizes.w1Count(), W1_CONSUMERS, sizes.w1WarmUp())));
                rawRuns.add(step(err, "chronicle-raw throughput run " + k, () -> workloads.rawThroughput("raw-" + k, sizes.rawCount(), 0)));
                rawWarmRuns.add(step(err, "chronicle-raw warm run " + k,
                        () -> workloads.rawThroughput("raw-warm-" + k, sizes.rawCount(), sizes.w1WarmUp())));
                pyRuns.add(step(err, "python-seed run " + k, () -> workloads.python("python-" + k, sizes.pythonCount(), 1, false)));
                pyTunedRuns.add(step(err, "python-tuned run " + k,
                        () -> workloads.python("python-tuned-" + k, sizes.pythonCount(), 1, true)));
                pyBatchedRuns.add(step(err, "python-seed-100 run " + k,
                        () -> workloads.python("python100-" + k, sizes.pythonBatchedCount(), 100, false)));
            }
            if (w2) {
                busyRuns.add(step(err, "W2 busy run " + k,
                        () -> workloads.w2("w2-busy-" + k, sizes.w2Count(), sizes.w2Rate(), sizes.w2Warmup(), "busy")));
                defaultRuns.add(step(err, "W2 default (" + defaultIdle + ") run " + k,
                        () -> workloads.w2("w2-default-" + k, sizes.w2Count(), sizes.w2Rate(), sizes.w2Warmup(), null)));
                rawLatRuns.add(step(err, "chronicle-raw latency run " + k,
                        () -> workloads.rawLatency("raw-latency-" + k, sizes.w2Count(), sizes.w2Rate(), sizes.w2Warmup())));
            }
        }
        Workloads.deleteData(work);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("workloads", which);
        json.put("runs", runs);
        json.put("quick", quick);
        json.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Map<String, Object> machineJson = machine.toJson();
        machineJson.put("loadAverageAtStart", loadAtStart);
        machineJson.put("loadAverageAtEnd", Machine.loadAverage());
        json.put("machine", machineJson);
        json.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
        Map<String, Object> baselines = new LinkedHashMap<>();
        if (w1) {
            json.put("w1", w1Json(w1Runs, sizes.w1Count(), 0));
            json.put("w1Warm", w1Json(w1WarmRuns, sizes.w1Count(), sizes.w1WarmUp()));
            Map<String, Object> py = throughputJson(pyRuns);
            py.put("count", sizes.pythonCount());
            py.put("perPut", 1);
            baselines.put("python-seed", py);
            Map<String, Object> pyTuned = throughputJson(pyTunedRuns);
            pyTuned.put("count", sizes.pythonCount());
            pyTuned.put("perPut", 1);
            pyTuned.put("tuned", true);
            baselines.put("python-tuned", pyTuned);
            Map<String, Object> py100 = throughputJson(pyBatchedRuns);
            py100.put("count", sizes.pythonBatchedCount());
            py100.put("perPut", 100);
            baselines.put("python-seed-100", py100);
            Map<String, Object> raw = throughputJson(rawRuns);
            raw.put("count", sizes.rawCount());
            baselines.put("chronicle-raw", raw);
            Map<String, Object> rawWarm = throughputJson(rawWarmRuns);
            rawWarm.put("count", sizes.rawCount());
            rawWarm.put("warmUp", sizes.w1WarmUp());
            baselines.put("chronicle-raw-warm", rawWarm);
        }
        Map<String, Histogram> plotted = new LinkedHashMap<>();
        if (w2) {
            Map<String, Object> w2Json = new LinkedHashMap<>();
            w2Json.put("count", sizes.w2Count());
            w2Json.put("rate", sizes.w2Rate());
            w2Json.put("warmup", sizes.w2Warmup());
            w2Json.put("from", "intended send time");
            w2Json.put("busy", latencyJson(busyRuns, results.resolve("w2-busy.hgrm"), results.resolve("w2-busy-since-put.hgrm")));
            w2Json.put("default", latencyJson(defaultRuns, results.resolve("w2-default.hgrm"), results.resolve("w2-default-since-put.hgrm")));
            json.put("w2", w2Json);
            @SuppressWarnings("unchecked")
            Map<String, Object> raw = (Map<String, Object>) baselines.computeIfAbsent("chronicle-raw", key -> new LinkedHashMap<>());
            raw.putAll(latencyJson(rawLatRuns, results.resolve("chronicle-raw-latency.hgrm"), null));
            plotted.put("W2 TaskQ, busy", merged(busyRuns));
            plotted.put("W2 TaskQ, " + defaultIdle + " (default)", merged(defaultRuns));
            plotted.put("chronicle-raw 1:1, busy", merged(rawLatRuns));
            LatencyPlot.write(results.resolve("w2-latency.svg"),
                    String.format(Locale.ROOT, "Latency at %,d tasks/s from the intended send time (%d run%s merged)",
                            sizes.w2Rate(), runs, runs == 1 ? "" : "s"), plotted);
        }
        json.put("baselines", baselines);
        json.put("ratios", Report.ratios(json));

        String table = Report.table(json);
        String jsonText = JsonText.of(json);
        Files.writeString(results.resolve("latest.txt"), table, StandardCharsets.UTF_8);
        Files.writeString(results.resolve("latest.json"), jsonText + "\n", StandardCharsets.UTF_8);
        if (o.flag("json"))
            out.println(jsonText);
        else
            out.print(table);
        err.printf(Locale.ROOT, "taskq bench: done in %d s; table, JSON, .hgrm files and the plot are in %s%n",
                Math.round((System.nanoTime() - started) / 1e9), results);
        return 0;
    }

    /** TASKQ_HOME as bin/taskq sets it (the checkout), for the Python baseline and the default results folder. */
    static Path home() {
        String home = System.getProperty("taskq.home", System.getenv("TASKQ_HOME"));
        if (home == null)
            throw TaskQException.usage("taskq bench: run it through bin/taskq (TASKQ_HOME is not set)");
        return Path.of(home);
    }

    interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T step(PrintStream err, String what, Step<T> step) throws Exception {
        long t0 = System.nanoTime();
        err.printf(Locale.ROOT, "  %-34s ...", what);
        err.flush();
        T result = step.run();
        String figure = result instanceof Workloads.Throughput t ? String.format(Locale.ROOT, "%,.0f tasks/s", t.tasksPerSec())
                : result instanceof Workloads.Latency l ? String.format(Locale.ROOT, "p50 %.1f us, p99 %.1f us",
                l.intended().getValueAtPercentile(50) / 1000.0, l.intended().getValueAtPercentile(99) / 1000.0) : "";
        err.printf(Locale.ROOT, " %s (%.1f s)%n", figure, (System.nanoTime() - t0) / 1e9);
        return result;
    }

    /** A W1 entry: throughput, the producer's own put rate, tasks per consumer; {@code warmUp} only when not 0. */
    private static Map<String, Object> w1Json(List<Workloads.Throughput> runs, long count, long warmUp) {
        Map<String, Object> m = throughputJson(runs);
        m.put("producerPutsPerSec", statsJson(Stats.of(runs.stream().map(t -> t.count() * 1e9 / t.putPhaseNanos()).toList())));
        m.put("tasksPerConsumer", runs.stream().map(Workloads.Throughput::perConsumerDone).toList());
        m.put("count", count);
        if (warmUp > 0)
            m.put("warmUp", warmUp);
        m.put("consumers", W1_CONSUMERS);
        m.put("verified", true);
        return m;
    }

    private static Map<String, Object> throughputJson(List<Workloads.Throughput> runs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasksPerSec", statsJson(Stats.of(runs.stream().map(Workloads.Throughput::tasksPerSec).toList())));
        m.put("elapsedMillis", runs.stream().map(t -> t.elapsedNanos() / 1e6).toList());
        return m;
    }

    private static Map<String, Object> statsJson(Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", s.median());
        m.put("min", s.min());
        m.put("max", s.max());
        m.put("runs", s.runs());
        return m;
    }

    static final double[] PERCENTILES = {50, 90, 99, 99.9};
    static final String[] PERCENTILE_KEYS = {"p50Micros", "p90Micros", "p99Micros", "p999Micros"};

    /**
     * Percentiles of each run in µs; the top-level {@code pXXMicros} keys are medians over the runs, with min–max
     * under {@code spread}. Writes the runs merged as one {@code .hgrm} (values in µs).
     */
    private static Map<String, Object> latencyJson(List<Workloads.Latency> runs, Path hgrm, Path sincePutHgrm) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> spread = new LinkedHashMap<>();
        for (int i = 0; i <= PERCENTILES.length; i++) {
            final int at = i;
            ToDoubleFunction<Histogram> f = at < PERCENTILES.length
                    ? h -> h.getValueAtPercentile(PERCENTILES[at]) / 1000.0
                    : h -> h.getMaxValue() / 1000.0;
            Stats s = Stats.of(runs.stream().map(l -> f.applyAsDouble(l.intended())).toList());
            String key = at < PERCENTILES.length ? PERCENTILE_KEYS[at] : "maxMicros";
            m.put(key, s.median());
            spread.put(key, statsJson(s));
        }
        m.put("spread", spread);
        m.put("pauser", runs.get(0).pauser());
        m.put("samplesPerRun", runs.get(0).intended().getTotalCount());
        m.put("producerMaxBehindScheduleMicros", runs.stream().map(l -> l.maxBehindScheduleNanos() / 1000.0).toList());
        writeHgrm(merged(runs), hgrm);
        m.put("hgrm", hgrm.getFileName().toString());
        if (sincePutHgrm != null && runs.get(0).sincePut() != null) {
            Histogram sincePut = new Histogram(LatencyRecordingHandler.HIGHEST_NANOS, 3);
            runs.forEach(l -> sincePut.add(l.sincePut()));
            Map<String, Object> sp = new LinkedHashMap<>();
            sp.put("p50Micros", sincePut.getValueAtPercentile(50) / 1000.0);
            sp.put("p99Micros", sincePut.getValueAtPercentile(99) / 1000.0);
            sp.put("note", "from Task.createdNanos (the put), all runs merged: not corrected for coordinated omission");
            m.put("sincePut", sp);
            writeHgrm(sincePut, sincePutHgrm);
        }
        return m;
    }

    private static Histogram merged(List<Workloads.Latency> runs) {
        Histogram all = new Histogram(LatencyRecordingHandler.HIGHEST_NANOS, 3);
        runs.forEach(l -> all.add(l.intended()));
        return all;
    }

    private static void writeHgrm(Histogram h, Path file) throws IOException {
        try (PrintStream ps = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            h.outputPercentileDistribution(ps, 1000.0);
        }
    }
}
