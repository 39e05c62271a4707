package io.taskq.bench;

import io.taskq.bench.BenchReport.Baselines;
import io.taskq.bench.BenchReport.ChronicleRaw;
import io.taskq.bench.BenchReport.Host;
import io.taskq.bench.BenchReport.LatencyEntry;
import io.taskq.bench.BenchReport.SincePut;
import io.taskq.bench.BenchReport.Spread;
import io.taskq.bench.BenchReport.ThroughputEntry;
import io.taskq.bench.BenchReport.W1Entry;
import io.taskq.bench.BenchReport.W2Entry;
import io.taskq.bench.Workloads.Latency;
import io.taskq.bench.Workloads.Throughput;
import io.taskq.cli.Launch;
import io.taskq.cli.Options;
import io.taskq.common.TaskQException;
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
        boolean w1Selected = !which.equals("w2");
        boolean w2Selected = !which.equals("w1");

        Path home = home();
        Path results = o.has("results") ? Path.of(o.get("results")) : home.resolve("bench").resolve("results");
        Files.createDirectories(results);
        Path work = results.resolve("runs");
        Workloads.deleteData(work);
        Files.createDirectories(work);
        Path script = home.resolve("bench").resolve("python").resolve("seed_queue.py");
        if (w1Selected && !Files.isRegularFile(script))
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

        String defaultIdle = config.get(Keys.IDLE);
        W1Variants w1 = w1Selected ? W1Variants.of(workloads, sizes) : null;
        W2Variants w2 = w2Selected ? W2Variants.of(workloads, sizes, defaultIdle, results) : null;
        List<Variant<?, ?>> round = new ArrayList<>();
        if (w1 != null)
            round.addAll(w1.inOrder());
        if (w2 != null)
            round.addAll(w2.inOrder());
        for (int k = 1; k <= runs; k++)
            for (Variant<?, ?> variant : round)
                variant.measure(k, err);
        Workloads.deleteData(work);

        Host host = Host.of(machine, loadAtStart, Machine.loadAverage());
        long seconds = Math.round((System.nanoTime() - started) / 1e9);
        W1Entry w1Cold = w1 == null ? null : w1.cold().entry();
        W1Entry w1Warm = w1 == null ? null : w1.warm().entry();
        W2Entry w2Entry = w2 == null ? null : new W2Entry(sizes.w2Count(), sizes.w2Rate(), sizes.w2Warmup(),
                W2Entry.FROM, w2.busy().entry(), w2.configuredIdle().entry());
        Baselines baselines = new Baselines(
                w1 == null ? null : w1.pythonSeed().entry(),
                w1 == null ? null : w1.pythonTuned().entry(),
                w1 == null ? null : w1.pythonSeed100().entry(),
                ChronicleRaw.of(w1 == null ? null : w1.raw().entry(), w2 == null ? null : w2.rawLatency().entry()),
                w1 == null ? null : w1.rawWarm().entry());
        if (w2 != null)
            LatencyPlot.write(results.resolve("w2-latency.svg"), String.format(Locale.ROOT,
                    "Latency at %,d tasks/s from the intended send time (%d run%s merged)", sizes.w2Rate(), runs,
                    runs == 1 ? "" : "s"), w2.curves(defaultIdle));
        BenchReport report = new BenchReport(which, runs, quick, Instant.now().truncatedTo(ChronoUnit.SECONDS)
                .toString(), host, seconds, w1Cold, w1Warm, w2Entry, baselines,
                Report.ratios(w1Cold, w1Warm, w2Entry, baselines));

        String table = Report.table(report);
        String json = BenchJson.write(report);
        Files.writeString(results.resolve("latest.txt"), table, StandardCharsets.UTF_8);
        Files.writeString(results.resolve("latest.json"), json + "\n", StandardCharsets.UTF_8);
        if (o.flag("json"))
            out.println(json);
        else
            out.print(table);
        err.printf(Locale.ROOT, "taskq bench: done in %d s; table, JSON, .hgrm files and the plot are in %s%n",
                Math.round((System.nanoTime() - started) / 1e9), results);
        return 0;
    }

    /** W1 and its throughput baselines, in the order each round runs them. */
    private record W1Variants(Variant<Throughput, W1Entry> cold, Variant<Throughput, W1Entry> warm,
                              Variant<Throughput, ThroughputEntry> raw, Variant<Throughput, ThroughputEntry> rawWarm,
                              Variant<Throughput, ThroughputEntry> pythonSeed,
                              Variant<Throughput, ThroughputEntry> pythonTuned,
                              Variant<Throughput, ThroughputEntry> pythonSeed100) {
        static W1Variants of(Workloads w, Sizes s) {
            return new W1Variants(
                    w1(w, "W1", "w1", s.w1Count(), 0),
                    w1(w, "W1 warm", "w1-warm", s.w1Count(), s.w1WarmUp()),
                    raw(w, "chronicle-raw throughput", "raw", s.rawCount(), 0),
                    raw(w, "chronicle-raw warm", "raw-warm", s.rawCount(), s.w1WarmUp()),
                    python(w, "python-seed", "python", s.pythonCount(), 1, false),
                    python(w, "python-tuned", "python-tuned", s.pythonCount(), 1, true),
                    python(w, "python-seed-100", "python100", s.pythonBatchedCount(), 100, false));
        }

        private static Variant<Throughput, W1Entry> w1(Workloads w, String label, String folder, long count,
                                                       long warmUp) {
            return new Variant<>(label, folder, f -> w.w1(f, count, W1_CONSUMERS, warmUp),
                    runs -> W1Entry.of(runs, count, warmUp, W1_CONSUMERS));
        }

        private static Variant<Throughput, ThroughputEntry> raw(Workloads w, String label, String folder,
                                                                long count, long warmUp) {
            return new Variant<>(label, folder, f -> w.rawThroughput(f, count, warmUp),
                    runs -> ThroughputEntry.of(runs, count, warmUp));
        }

        private static Variant<Throughput, ThroughputEntry> python(Workloads w, String label, String folder,
                                                                   long count, int perPut, boolean tuned) {
            return new Variant<>(label, folder, f -> w.python(f, count, perPut, tuned),
                    runs -> ThroughputEntry.python(runs, count, perPut, tuned));
        }

        List<Variant<?, ?>> inOrder() {
            return List.of(cold, warm, raw, rawWarm, pythonSeed, pythonTuned, pythonSeed100);
        }
    }

    /**
     * W2 with the consumer busy-spinning and with the configured idle strategy, and chronicle-raw's latency, in the
     * order each round runs them. Their entries write the runs merged as {@code .hgrm} files under the results.
     */
    private record W2Variants(Variant<Latency, LatencyEntry> busy, Variant<Latency, LatencyEntry> configuredIdle,
                              Variant<Latency, LatencyEntry> rawLatency) {
        static W2Variants of(Workloads w, Sizes s, String defaultIdle, Path results) {
            return new W2Variants(
                    w2(w, s, "W2 busy", "w2-busy", "busy", results),
                    w2(w, s, "W2 default (" + defaultIdle + ")", "w2-default", null, results),
                    new Variant<>("chronicle-raw latency", "raw-latency",
                            f -> w.rawLatency(f, s.w2Count(), s.w2Rate(), s.w2Warmup()),
                            runs -> latency(runs, results.resolve("chronicle-raw-latency.hgrm"), null)));
        }

        /** A W2 variant with idle strategy {@code idle} (null: the configured one); its files are named after it. */
        private static Variant<Latency, LatencyEntry> w2(Workloads w, Sizes s, String label, String folder,
                                                         String idle, Path results) {
            return new Variant<>(label, folder, f -> w.w2(f, s.w2Count(), s.w2Rate(), s.w2Warmup(), idle),
                    runs -> latency(runs, results.resolve(folder + ".hgrm"),
                            results.resolve(folder + "-since-put.hgrm")));
        }

        List<Variant<?, ?>> inOrder() {
            return List.of(busy, configuredIdle, rawLatency);
        }

        /** The curves of the latency plot: each variant's runs merged. */
        Map<String, Histogram> curves(String defaultIdle) {
            Map<String, Histogram> curves = new LinkedHashMap<>();
            curves.put("W2 TaskQ, busy", merged(busy.runs()));
            curves.put("W2 TaskQ, " + defaultIdle + " (default)", merged(configuredIdle.runs()));
            curves.put("chronicle-raw 1:1, busy", merged(rawLatency.runs()));
            return curves;
        }
    }

    /** TASKQ_HOME as bin/taskq sets it (the checkout), for the Python baseline and the default results folder. */
    static Path home() {
        String home = System.getProperty("taskq.home", System.getenv("TASKQ_HOME"));
        if (home == null)
            throw TaskQException.usage("taskq bench: run it through bin/taskq (TASKQ_HOME is not set)");
        return Path.of(home);
    }

    /**
     * Percentiles of each run in µs; the entry's {@code pXXMicros} are medians over the runs, with min–max under
     * {@code spread}. Writes the runs merged as one {@code .hgrm} (values in µs), and those measured from the put to
     * {@code sincePutHgrm} unless it is null.
     */
    private static LatencyEntry latency(List<Latency> runs, Path hgrm, Path sincePutHgrm) throws IOException {
        Spread spread = new Spread(percentile(runs, 50), percentile(runs, 90), percentile(runs, 99),
                percentile(runs, 99.9), Stats.of(runs.stream().map(l -> l.intended().getMaxValue() / 1000.0).toList()));
        writeHgrm(merged(runs), hgrm);
        SincePut sincePutEntry = null;
        if (sincePutHgrm != null && runs.get(0).sincePut() != null) {
            Histogram sincePut = new Histogram(LatencyRecordingHandler.HIGHEST_NANOS, 3);
            runs.forEach(l -> sincePut.add(l.sincePut()));
            sincePutEntry = new SincePut(sincePut.getValueAtPercentile(50) / 1000.0,
                    sincePut.getValueAtPercentile(99) / 1000.0, SincePut.NOTE);
            writeHgrm(sincePut, sincePutHgrm);
        }
        return new LatencyEntry(spread.p50Micros().median(), spread.p90Micros().median(),
                spread.p99Micros().median(), spread.p999Micros().median(), spread.maxMicros().median(), spread,
                runs.get(0).pauser(), runs.get(0).intended().getTotalCount(),
                runs.stream().map(l -> l.maxBehindScheduleNanos() / 1000.0).toList(), hgrm.getFileName().toString(),
                sincePutEntry);
    }

    /** Percentile {@code p} of each run's latency from the intended send time, in µs. */
    private static Stats percentile(List<Latency> runs, double p) {
        return Stats.of(runs.stream().map(l -> l.intended().getValueAtPercentile(p) / 1000.0).toList());
    }

    private static Histogram merged(List<Latency> runs) {
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
