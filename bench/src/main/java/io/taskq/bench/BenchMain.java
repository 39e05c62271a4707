package io.taskq.bench;

import io.taskq.bench.BenchReport.Baselines;
import io.taskq.bench.BenchReport.ChronicleRaw;
import io.taskq.bench.BenchReport.Host;
import io.taskq.bench.BenchReport.LatencyEntry;
import io.taskq.bench.BenchReport.SincePut;
import io.taskq.bench.BenchReport.Spread;
import io.taskq.bench.BenchReport.ThroughputEntry;
import io.taskq.bench.BenchReport.W1Entry;
import io.taskq.bench.BenchReport.W1PoisonEntry;
import io.taskq.bench.BenchReport.W2Entry;
import io.taskq.bench.Workloads.Latency;
import io.taskq.bench.Workloads.Retries;
import io.taskq.bench.Workloads.Throughput;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code taskq bench [w1|w2|w1-large|w1-batch|all] [--runs K] [--quick] [--json] [--results DIR]}: runs the standard
 * workloads of docs/BENCHMARKS.md as real separate processes, with the baselines in the same invocation, and prints a
 * table (median and min–max over K runs, ratios against the baselines) or, with {@code --json}, one JSON object
 * ({@link BenchReport}). Writes {@code .hgrm} files, a latency plot ({@code w2-latency.svg}) and the table and JSON
 * under {@code bench/results/}. Runs are interleaved (run 1 of everything, then run 2, ...) so that drift on a
 * shared machine spreads over all.
 * <p>
 * Exit codes: 0 every run verified; 1 a run failed or did not verify (it does not count, and no table is printed);
 * 2 bad usage. It reports speed and never judges it: the targets are shown, not enforced.
 */
@Command(name = "taskq bench", sortOptions = false, sortSynopsis = false, usageHelpWidth = 120,
        description = {
                "Runs the standard workloads of docs/BENCHMARKS.md as separate processes, with their baselines in the",
                "same invocation, and prints a table (median and min-max over the runs, ratios against the baselines)",
                "or one JSON object. Progress goes to stderr."},
        footerHeading = "%nWorkloads:%n",
        footer = {
                "  w1    throughput: 1,000,000 tasks, 1 producer (1 task per put) and 3 consumer processes,",
                "        results and join, cold and warm (after 200,000 untimed tasks), and cold with",
                "        0.1%% poison tasks that fail every call (default retry backoff, and none); baselines",
                "        python-seed (1 and 100 tasks per put), python-tuned, chronicle-raw (1:1, TaskQ's own excerpt,",
                "        cold and warm) and chronicle-raw-min (1:1, one raw 20-byte excerpt per task, cold)",
                "  w2    latency: 1 producer, 1 consumer, 200,000 tasks at 50,000/s, from the intended send time,",
                "        first 20,000 discarded; consumer idle busy and the configured default; baseline chronicle-raw",
                "  w1-large",
                "        W1 cold with 20,000,000 tasks, 1 task per put (tens of seconds a run); baseline",
                "        chronicle-raw-min with 20,000,000 tasks",
                "  w1-batch",
                "        W1 with batch puts: the producer puts 64 tasks per putAll (producer.batch's default),",
                "        consumers and checks as W1, cold and warm (after 200,000 untimed tasks, also batched);",
                "        baseline python-seed-100",
                "  all   all four (the default)",
                "  kafka through Kafka: 200,000 task records in a 4-partition topic, one host's bridge and 2",
                "        consumers, outcomes in the results topic; baseline kafka-loop, a plain consume-transform-",
                "        produce loop with transactions; on a development broker it starts (not part of all)"})
public final class BenchMain implements Callable<Integer> {
    /** Sizes of one invocation. */
    record Sizes(long w1Count, long w1WarmUp, long pythonCount, long pythonBatchedCount, long rawCount, long w2Count,
                 long w2Rate, long w2Warmup, long w1LargeCount) {
        static final Sizes FULL =
                new Sizes(1_000_000, 200_000, 1_000_000, 1_000_000, 1_000_000, 200_000, 50_000, 20_000, 20_000_000);
        /** W1 large stays twice W1's count, so that it is a run of its own, not one that lasts minutes. */
        static final Sizes QUICK =
                new Sizes(50_000, 10_000, 20_000, 50_000, 50_000, 20_000, 50_000, 2_000, 100_000);
    }

    static final int W1_CONSUMERS = 3;
    private static final List<String> WORKLOADS = List.of("w1", "w2", "w1-large", "w1-batch", "all", "kafka");
    /** Task records per run of {@code bench kafka}, and with {@code --quick}. */
    static final long KAFKA_COUNT = 200_000;
    static final long KAFKA_QUICK_COUNT = 20_000;
    /** Tasks per {@code putAll} in W1 batch: what {@code taskq produce} puts per batch by default. */
    static final int W1_BATCH = Keys.PRODUCER_BATCH.defaultValue();

    @Parameters(arity = "0..*", paramLabel = "[w1|w2|w1-large|w1-batch|all|kafka]", hideParamSyntax = true,
            description = "the workloads to run (default: all; see below)")
    private List<String> workloads = new ArrayList<>();

    @Option(names = "--runs", paramLabel = "K", defaultValue = "3", converter = RunsConverter.class,
            description = "runs of each, 1..20 (default: ${DEFAULT-VALUE}); the table shows median and min-max")
    private int runs;

    @Option(names = "--quick", description = "small counts and 1 run, to check the harness end to end (CI)")
    private boolean quick;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    private boolean json;

    @Option(names = "--results", paramLabel = "DIR",
            description = "where .hgrm files, the plot and the latest table go (default: bench/results in the "
                    + "checkout)")
    private Path results;

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (default: TASKQ_CONFIG, else config/taskq.yaml in the checkout if "
                    + "present)")
    private Path configFile;

    @Option(names = "--help", usageHelp = true, description = "show this help")
    private boolean help;

    @Spec
    private CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    private BenchMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs the command; returns its exit code. Progress goes to {@code err}, the table or JSON to {@code out}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.execute(new BenchMain(out, err), args, out, err);
    }

    /** {@code --runs K}: a whole number in 1..20. */
    static final class RunsConverter implements ITypeConverter<Integer> {
        private static final int MAX = 20;

        @Override
        public Integer convert(String value) {
            long n;
            try {
                n = Long.parseLong(value.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("must be a whole number in 1.." + MAX);
            }
            if (n < 1 || n > MAX)
                throw new TypeConversionException("must be 1.." + MAX);
            return (int) n;
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (workloads.size() > 1 || (workloads.size() == 1 && !WORKLOADS.contains(workloads.get(0))))
            throw TaskQException.usage("expected one of " + String.join(", ", WORKLOADS) + ", got "
                    + String.join(" ", workloads) + " (see taskq bench --help)");
        String which = workloads.isEmpty() ? "all" : workloads.get(0);
        if (quick && spec.commandLine().getParseResult().hasMatchedOption("--runs"))
            throw TaskQException.usage("--quick runs once; leave out --runs");
        int rounds = quick ? 1 : runs;
        Sizes sizes = quick ? Sizes.QUICK : Sizes.FULL;
        boolean all = which.equals("all");
        boolean w1Selected = all || which.equals("w1");
        boolean w2Selected = all || which.equals("w2");
        boolean w1LargeSelected = all || which.equals("w1-large");
        boolean w1BatchSelected = all || which.equals("w1-batch");

        Path home = home();
        Path resultsDir = results != null ? results : home.resolve("bench").resolve("results");
        Files.createDirectories(resultsDir);
        Path work = resultsDir.resolve("runs");
        Workloads.deleteData(work);
        Files.createDirectories(work);
        Path script = home.resolve("bench").resolve("python").resolve("seed_queue.py");
        if (!which.equals("kafka") && (w1Selected || w1BatchSelected) && !Files.isRegularFile(script))
            throw TaskQException.usage("the Python baseline " + script + " is missing (is TASKQ_HOME the checkout?)");
        String python = System.getenv().getOrDefault("TASKQ_PYTHON", "python3");
        TaskQConfig config = CommandLines.config(configFile, null);
        Workloads runner = new Workloads(work, config.get(Keys.ROLL_CYCLE), script, python);
        String defaultIdle = config.get(Keys.IDLE);

        Machine machine = Machine.describe();
        double loadAtStart = Machine.loadAverage();
        err.printf("taskq bench %s: %d run(s)%s on %s%n", which, rounds, quick ? " (quick)" : "", machine.oneLine());
        if (loadAtStart > machine.cpus())
            err.printf(Locale.ROOT, "taskq bench: warning: the load average is %.1f on %d CPUs; other work competes "
                    + "with the benchmark and its figures will say more about the machine than about TaskQ%n",
                    loadAtStart, machine.cpus());
        long started = System.nanoTime();
        if (which.equals("kafka"))
            return kafka(work, config, rounds, machine, loadAtStart, started, resultsDir);

        W1Variants w1 = W1Variants.of(runner, sizes);
        W2Variants w2 = W2Variants.of(runner, sizes, defaultIdle, resultsDir);
        W1LargeVariants w1Large = W1LargeVariants.of(runner, sizes);
        Variant<Throughput, W1Entry> w1Batch = W1Variants.w1Batch(runner, "W1 batch", "w1-batch", sizes.w1Count(), 0,
                W1_BATCH);
        Variant<Throughput, W1Entry> w1BatchWarm = W1Variants.w1Batch(runner, "W1 batch warm", "w1-batch-warm",
                sizes.w1Count(), sizes.w1WarmUp(), W1_BATCH);
        List<Variant<?, ?>> round = new ArrayList<>();
        if (w1Selected)
            round.addAll(w1.inOrder());
        if (w1BatchSelected) {
            round.add(w1Batch);
            round.add(w1BatchWarm);
            // W1 batch's target is against python-seed-100, which W1 runs already.
            if (!w1Selected)
                round.add(w1.pythonSeed100());
        }
        if (w2Selected)
            round.addAll(w2.inOrder());
        if (w1LargeSelected)
            round.addAll(w1Large.inOrder());
        for (int k = 1; k <= rounds; k++)
            for (Variant<?, ?> variant : round)
                variant.measure(k, err);
        Workloads.deleteData(work);

        Host host = Host.of(machine, loadAtStart, Machine.loadAverage());
        long seconds = Math.round((System.nanoTime() - started) / 1e9);
        W1Entry w1Cold = w1.cold().entry();
        W1Entry w1Warm = w1.warm().entry();
        W1PoisonEntry w1Poison = w1.poison().entry();
        W1PoisonEntry w1PoisonNoBackoff = w1.poisonNoBackoff().entry();
        W1Entry w1ResultsOff = w1.resultsOff().entry();
        W1Entry w1ResultBodies = w1.resultBodies().entry();
        resultsProgress(w1Cold, w1ResultsOff, w1ResultBodies);
        poisonProgress(w1.poison().label(), w1Poison, w1Cold);
        poisonProgress(w1.poisonNoBackoff().label(), w1PoisonNoBackoff, w1Cold);
        W2Entry w2Entry = w2.entry(sizes);
        W1Entry w1LargeEntry = w1Large.large().entry();
        W1Entry w1BatchEntry = w1Batch.entry();
        W1Entry w1BatchWarmEntry = w1BatchWarm.entry();
        Baselines baselines = new Baselines(w1.pythonSeed().entry(), w1.pythonTuned().entry(),
                w1.pythonSeed100().entry(), ChronicleRaw.of(w1.raw().entry(), w2.rawLatency().entry()),
                w1.rawWarm().entry(), w1.rawMin().entry(), w1Large.rawMin().entry());
        if (w2Selected)
            LatencyPlot.write(resultsDir.resolve("w2-latency.svg"), String.format(Locale.ROOT,
                    "Latency at %,d tasks/s from the intended send time (%d run%s merged)", sizes.w2Rate(), rounds,
                    rounds == 1 ? "" : "s"), w2.curves(defaultIdle));
        BenchReport report = new BenchReport(which, rounds, quick,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), host, seconds, w1Cold, w1Warm, w1Poison,
                w1PoisonNoBackoff, w2Entry, baselines,
                Report.ratios(w1Cold, w1Warm, w1LargeEntry, w1BatchEntry, w1BatchWarmEntry, w2Entry, baselines),
                w1ResultsOff, w1ResultBodies, w1LargeEntry, w1BatchEntry, w1BatchWarmEntry);

        String table = Report.table(report);
        String jsonText = BenchJson.write(report);
        Files.writeString(resultsDir.resolve("latest.txt"), table, StandardCharsets.UTF_8);
        Files.writeString(resultsDir.resolve("latest.json"), jsonText + "\n", StandardCharsets.UTF_8);
        if (json)
            out.println(jsonText);
        else
            out.print(table);
        err.printf(Locale.ROOT, "taskq bench: done in %d s; table, JSON, .hgrm files and the plot are in %s%n",
                Math.round((System.nanoTime() - started) / 1e9), resultsDir);
        return 0;
    }

    /**
     * {@code bench kafka}: starts the development broker, runs the TaskQ path and kafka-loop in turn, {@code rounds}
     * times each, stops the broker, and prints the table or the JSON.
     */
    private int kafka(Path work, TaskQConfig config, int rounds, Machine machine, double loadAtStart, long started,
                      Path resultsDir) throws IOException, InterruptedException {
        long count = quick ? KAFKA_QUICK_COUNT : KAFKA_COUNT;
        Variant<Throughput, KafkaReport.KafkaEntry> taskq;
        Variant<Throughput, KafkaReport.KafkaEntry> loop;
        try (KafkaBench bench = KafkaBench.start(work, config.get(Keys.ROLL_CYCLE))) {
            err.println("  development broker ready at " + bench.bootstrap());
            taskq = new Variant<>("TaskQ through Kafka", "kafka-taskq", f -> bench.taskq(f, count),
                    runs -> KafkaReport.KafkaEntry.of(runs, KafkaBench.CONSUMERS, KafkaReport.TASKQ_CLOCK));
            loop = new Variant<>("kafka-loop", "kafka-loop", f -> bench.kafkaLoop(f, count),
                    runs -> KafkaReport.KafkaEntry.of(runs, 0, KafkaReport.LOOP_CLOCK));
            for (int k = 1; k <= rounds; k++) {
                taskq.measure(k, err);
                loop.measure(k, err);
            }
        }
        Workloads.deleteData(work);
        Host host = Host.of(machine, loadAtStart, Machine.loadAverage());
        KafkaReport report = KafkaReport.of(rounds, quick, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                host, Math.round((System.nanoTime() - started) / 1e9), taskq.entry(), loop.entry());
        String table = report.table();
        String jsonText = BenchJson.write(report);
        Files.writeString(resultsDir.resolve("kafka-latest.txt"), table, StandardCharsets.UTF_8);
        Files.writeString(resultsDir.resolve("kafka-latest.json"), jsonText + "\n", StandardCharsets.UTF_8);
        if (json)
            out.println(jsonText);
        else
            out.print(table);
        err.printf(Locale.ROOT, "taskq bench: done in %d s; table and JSON are in %s%n",
                Math.round((System.nanoTime() - started) / 1e9), resultsDir);
        return 0;
    }

    /** What the results log costs, once every round has run: W1 and W1 with bodies over W1 with the log off. */
    private void resultsProgress(W1Entry cold, W1Entry off, W1Entry bodies) {
        if (cold == null || off == null || bodies == null)
            return;
        double base = off.tasksPerSec().median();
        err.printf(Locale.ROOT, "  results log: W1 (log on, no body) %s tasks/s = %s of W1 with consumer.results=off "
                + "(%s); with a %d-byte body each %s = %s%n", Report.grouped(cold.tasksPerSec().median()),
                Report.format(cold.tasksPerSec().median() / base), Report.grouped(base),
                ResultBodyHandler.BODY_BYTES, Report.grouped(bodies.tasksPerSec().median()),
                Report.format(bodies.tasksPerSec().median() / base));
    }

    /** The progress line of a poison variant once every round has run: its median and its ratio to W1 cold's. */
    private void poisonProgress(String label, W1PoisonEntry poison, W1Entry cold) {
        if (poison != null)
            err.printf(Locale.ROOT, "  %-34s median %s tasks/s, %s of W1 cold's %s (%,d poison tasks, each dead "
                    + "after %d calls)%n", label + ":", Report.grouped(poison.tasksPerSec().median()),
                    Report.format(poison.overW1Cold()), Report.grouped(cold.tasksPerSec().median()), poison.poison(),
                    poison.maxAttempts());
    }

    /** TASKQ_HOME as bin/taskq sets it (the checkout), for the Python baseline and the default results folder. */
    static Path home() {
        String home = System.getProperty("taskq.home", System.getenv("TASKQ_HOME"));
        if (home == null)
            throw TaskQException.usage("run it through bin/taskq (TASKQ_HOME is not set)");
        return Path.of(home);
    }

    /**
     * W1 and its throughput baselines, in the order each round runs them. The poison variants are W1 cold with
     * {@link PoisonHandler}, with the consumers' default retry settings and with no backoff; their entries hold their
     * ratio to W1 cold.
     */
    private record W1Variants(Variant<Throughput, W1Entry> cold, Variant<Throughput, W1Entry> resultsOff,
                              Variant<Throughput, W1Entry> resultBodies, Variant<Throughput, W1PoisonEntry> poison,
                              Variant<Throughput, W1PoisonEntry> poisonNoBackoff, Variant<Throughput, W1Entry> warm,
                              Variant<Throughput, ThroughputEntry> raw, Variant<Throughput, ThroughputEntry> rawWarm,
                              Variant<Throughput, ThroughputEntry> rawMin,
                              Variant<Throughput, ThroughputEntry> pythonSeed,
                              Variant<Throughput, ThroughputEntry> pythonTuned,
                              Variant<Throughput, ThroughputEntry> pythonSeed100) {
        static W1Variants of(Workloads w, Sizes s) {
            Variant<Throughput, W1Entry> cold = w1(w, "W1", "w1", s.w1Count(), 0);
            return new W1Variants(
                    cold,
                    new Variant<>("W1, results off", "w1-results-off", f -> w.w1With(f, s.w1Count(), W1_CONSUMERS,
                            List.of(), Map.of("TASKQ_CONSUMER_RESULTS", "off")),
                            runs -> W1Entry.of(runs, s.w1Count(), 0, W1_CONSUMERS)),
                    new Variant<>("W1, result bodies", "w1-result-bodies", f -> w.w1With(f, s.w1Count(),
                            W1_CONSUMERS, List.of("--handler", ResultBodyHandler.NAME), Map.of()),
                            runs -> W1Entry.of(runs, s.w1Count(), 0, W1_CONSUMERS)),
                    poison(w, "W1 poison", "w1-poison", s.w1Count(), Retries.DEFAULTS, cold),
                    poison(w, "W1 poison, no backoff", "w1-poison-no-backoff", s.w1Count(),
                            Retries.DEFAULTS.withBackoff(Duration.ZERO), cold),
                    w1(w, "W1 warm", "w1-warm", s.w1Count(), s.w1WarmUp()),
                    raw(w, "chronicle-raw throughput", "raw", s.rawCount(), 0),
                    raw(w, "chronicle-raw warm", "raw-warm", s.rawCount(), s.w1WarmUp()),
                    rawMin(w, "chronicle-raw-min", "raw-min", s.rawCount()),
                    python(w, "python-seed", "python", s.pythonCount(), 1, false),
                    python(w, "python-tuned", "python-tuned", s.pythonCount(), 1, true),
                    python(w, "python-seed-100", "python100", s.pythonBatchedCount(), 100, false));
        }

        /** W1 cold with poison tasks and {@code retries}; its entry compares it with {@code cold}'s runs. */
        private static Variant<Throughput, W1PoisonEntry> poison(Workloads w, String label, String folder, long count,
                                                                 Retries retries, Variant<Throughput, ?> cold) {
            return new Variant<>(label, folder, f -> w.w1Poison(f, count, W1_CONSUMERS, retries),
                    runs -> W1PoisonEntry.of(runs, cold.runs(), count, retries, W1_CONSUMERS));
        }

        /** W1 with {@code warmUp} untimed tasks first (0: cold). */
        private static Variant<Throughput, W1Entry> w1(Workloads w, String label, String folder, long count,
                                                       long warmUp) {
            return new Variant<>(label, folder, f -> w.w1(f, count, W1_CONSUMERS, warmUp),
                    runs -> W1Entry.of(runs, count, warmUp, W1_CONSUMERS));
        }

        /** W1 with the producer putting {@code perPut} tasks per {@code putAll}, after {@code warmUp} (0: cold). */
        private static Variant<Throughput, W1Entry> w1Batch(Workloads w, String label, String folder, long count,
                                                            long warmUp, int perPut) {
            return new Variant<>(label, folder, f -> w.w1Batch(f, count, W1_CONSUMERS, warmUp, perPut),
                    runs -> W1Entry.of(runs, count, warmUp, W1_CONSUMERS, perPut));
        }

        /** chronicle-raw's throughput, with {@code warmUp} untimed tasks first (0: cold). */
        private static Variant<Throughput, ThroughputEntry> raw(Workloads w, String label, String folder,
                                                                long count, long warmUp) {
            return new Variant<>(label, folder, f -> w.rawThroughput(f, count, warmUp),
                    runs -> ThroughputEntry.of(runs, count, warmUp));
        }

        /** chronicle-raw-min's throughput: one raw 20-byte excerpt per task, cold. */
        private static Variant<Throughput, ThroughputEntry> rawMin(Workloads w, String label, String folder,
                                                                   long count) {
            return new Variant<>(label, folder, f -> w.rawMinThroughput(f, count),
                    runs -> ThroughputEntry.of(runs, count, 0));
        }

        /** The Python program with {@code perPut} tasks per put, as the article writes it or tuned. */
        private static Variant<Throughput, ThroughputEntry> python(Workloads w, String label, String folder,
                                                                   long count, int perPut, boolean tuned) {
            return new Variant<>(label, folder, f -> w.python(f, count, perPut, tuned),
                    runs -> ThroughputEntry.python(runs, count, perPut, tuned));
        }

        List<Variant<?, ?>> inOrder() {
            return List.of(cold, resultsOff, resultBodies, poison, poisonNoBackoff, warm, raw, rawWarm, rawMin,
                    pythonSeed, pythonTuned, pythonSeed100);
        }
    }

    /**
     * W1 large: W1 cold with {@link Sizes#w1LargeCount} tasks, and chronicle-raw-min with as many as its baseline, in
     * the order each round runs them.
     */
    private record W1LargeVariants(Variant<Throughput, W1Entry> large, Variant<Throughput, ThroughputEntry> rawMin) {
        static W1LargeVariants of(Workloads w, Sizes s) {
            return new W1LargeVariants(W1Variants.w1(w, "W1 large", "w1-large", s.w1LargeCount(), 0),
                    W1Variants.rawMin(w, "chronicle-raw-min large", "raw-min-large", s.w1LargeCount()));
        }

        List<Variant<?, ?>> inOrder() {
            return List.of(large, rawMin);
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

        /**
         * W2 with idle strategy {@code idle} (null: the configured one); its {@code .hgrm} files are named after its
         * folder.
         */
        private static Variant<Latency, LatencyEntry> w2(Workloads w, Sizes s, String label, String folder,
                                                         String idle, Path results) {
            return new Variant<>(label, folder, f -> w.w2(f, s.w2Count(), s.w2Rate(), s.w2Warmup(), idle),
                    runs -> latency(runs, results.resolve(folder + ".hgrm"),
                            results.resolve(folder + "-since-put.hgrm")));
        }

        List<Variant<?, ?>> inOrder() {
            return List.of(busy, configuredIdle, rawLatency);
        }

        /** W2's entry, or null when W2 did not run. */
        W2Entry entry(Sizes s) throws IOException {
            LatencyEntry busyEntry = busy.entry();
            return busyEntry == null ? null : new W2Entry(s.w2Count(), s.w2Rate(), s.w2Warmup(), W2Entry.FROM,
                    busyEntry, configuredIdle.entry());
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
