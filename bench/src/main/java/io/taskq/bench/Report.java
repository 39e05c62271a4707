package io.taskq.bench;

import io.taskq.bench.BenchReport.Baselines;
import io.taskq.bench.BenchReport.Host;
import io.taskq.bench.BenchReport.LatencyEntry;
import io.taskq.bench.BenchReport.Ratio;
import io.taskq.bench.BenchReport.Ratios;
import io.taskq.bench.BenchReport.ThroughputEntry;
import io.taskq.bench.BenchReport.W1Entry;
import io.taskq.bench.BenchReport.W1PoisonEntry;
import io.taskq.bench.BenchReport.W2Entry;

import java.util.List;
import java.util.Locale;

/**
 * The human-readable table of one invocation and the ratios against the baselines measured in it, both from the
 * same {@link BenchReport} that {@code --json} prints. The targets are those of the benchmark issue; the table shows
 * whether each is met and never changes the exit code.
 */
final class Report {
    private Report() {
    }

    /**
     * Ratios of medians measured in this invocation, each with its target and whether it is met. A ratio against
     * chronicle-raw-min is left out when the baseline is absent (a report written before it existed).
     */
    static Ratios ratios(W1Entry w1, W1Entry w1Warm, W1Entry w1Large, W1Entry w1Batch, W1Entry w1BatchWarm,
                         W2Entry w2, Baselines baselines) {
        Ratio w1Absolute = null;
        Ratio w1OverPy = null;
        Ratio w1OverPy100 = null;
        Ratio w1OverRaw = null;
        Ratio w1OverRawMin = null;
        if (w1 != null) {
            double tps = w1.tasksPerSec().median();
            w1Absolute = Ratio.atLeast(tps, 2_000_000, "W1 tasks/s (absolute)");
            w1OverPy = Ratio.atLeast(tps / median(baselines.pythonSeed()), 40, "W1 / python-seed");
            w1OverPy100 = Ratio.atLeast(tps / median(baselines.pythonSeed100()), 2.4, "W1 / python-seed-100");
            w1OverRaw = Ratio.atLeast(tps / baselines.chronicleRaw().tasksPerSec().median(), 0.8,
                    "W1 / chronicle-raw throughput");
            if (baselines.chronicleRawMin() != null)
                w1OverRawMin = Ratio.atLeast(tps / median(baselines.chronicleRawMin()), 0.8,
                        "W1 / chronicle-raw-min throughput");
        }
        Ratio warmAbsolute = null;
        Ratio warmOverPy = null;
        Ratio warmOverPyTuned = null;
        Ratio warmOverPy100 = null;
        Ratio warmOverRawWarm = null;
        if (w1Warm != null) {
            double tps = w1Warm.tasksPerSec().median();
            warmAbsolute = Ratio.atLeast(tps, 2_000_000, "W1 warm tasks/s (absolute)");
            warmOverPy = Ratio.atLeast(tps / median(baselines.pythonSeed()), 40, "W1 warm / python-seed");
            warmOverPyTuned = Ratio.atLeast(tps / median(baselines.pythonTuned()), 40, "W1 warm / python-tuned");
            warmOverPy100 = Ratio.atLeast(tps / median(baselines.pythonSeed100()), 2.4,
                    "W1 warm / python-seed-100");
            warmOverRawWarm = Ratio.atLeast(tps / median(baselines.chronicleRawWarm()), 0.8,
                    "W1 warm / chronicle-raw warm");
        }
        Ratio largeOverRawMinLarge = null;
        if (w1Large != null)
            largeOverRawMinLarge = Ratio.atLeast(w1Large.tasksPerSec().median()
                    / median(baselines.chronicleRawMinLarge()), 0.8, "W1 large / chronicle-raw-min large");
        Ratio batchOverPy100 = null;
        if (w1Batch != null)
            batchOverPy100 = Ratio.atLeast(w1Batch.tasksPerSec().median() / median(baselines.pythonSeed100()), 2.4,
                    "W1 batch / python-seed-100");
        Ratio batchWarmOverPy100 = null;
        if (w1BatchWarm != null)
            batchWarmOverPy100 = Ratio.atLeast(w1BatchWarm.tasksPerSec().median()
                    / median(baselines.pythonSeed100()), 2.4, "W1 batch warm / python-seed-100");
        Ratio busyP50 = null;
        Ratio busyP99OverRaw = null;
        if (w2 != null) {
            busyP50 = Ratio.atMost(w2.busy().p50Micros(), 2, "W2 busy p50 µs (absolute)");
            busyP99OverRaw = Ratio.atMost(w2.busy().p99Micros() / baselines.chronicleRaw().p99Micros(), 1.25,
                    "W2 busy p99 / chronicle-raw p99");
        }
        return new Ratios(w1Absolute, w1OverPy, w1OverPy100, w1OverRaw, w1OverRawMin, warmAbsolute, warmOverPy,
                warmOverPyTuned, warmOverPy100, warmOverRawWarm, largeOverRawMinLarge, batchOverPy100,
                batchWarmOverPy100, busyP50, busyP99OverRaw);
    }

    private static double median(ThroughputEntry baseline) {
        return baseline.tasksPerSec().median();
    }

    static String table(BenchReport report) {
        StringBuilder s = new StringBuilder();
        Host machine = report.machine();
        s.append(String.format(Locale.ROOT, "TaskQ bench %s, %s run(s)%s, %s; %s CPUs (%s), %s%n", report.workloads(),
                report.runs(), report.quick() ? " (quick: small counts)" : "", report.date(), machine.cpus(),
                machine.cpuModel(), machine.jdk()));
        s.append(String.format(Locale.ROOT, "Load average (1 min) at start %s, at end %s: the machine is shared, so "
                + "other work competes for the 2 cores.%n", machine.loadAverageAtStart(), machine.loadAverageAtEnd()));
        s.append("Every run verified its totals against the closed form. Figures: median [min - max] over the runs."
                + "\n\n");
        Baselines baselines = report.baselines();
        W1Entry w1 = report.w1();
        W1Entry large = report.w1Large();
        W1Entry batch = report.w1Batch();
        if (w1 != null || large != null || batch != null)
            s.append(String.format(Locale.ROOT, "%-66s %14s   %s%n", "Throughput, tasks/s", "median", "[min - max]"));
        if (w1 != null) {
            row(s, "W1 TaskQ: 1 task/put, 3 consumers, results + join (n=" + grouped(w1.count()) + ")",
                    w1.tasksPerSec());
            putsRow(s, w1);
            if (report.w1ResultsOff() != null)
                row(s, "W1, consumer.results=off (no results log)", report.w1ResultsOff().tasksPerSec());
            if (report.w1ResultBodies() != null)
                row(s, "W1 with a 32-byte result body per task", report.w1ResultBodies().tasksPerSec());
            row(s, "chronicle-raw: 1 producer, 1 consumer, plain ack", baselines.chronicleRaw().tasksPerSec());
            if (baselines.chronicleRawMin() != null)
                row(s, "chronicle-raw-min: the same, a raw 20-byte excerpt per task",
                        baselines.chronicleRawMin().tasksPerSec());
            W1PoisonEntry poison = report.w1Poison();
            if (poison != null)
                poisonRows(s, "W1 poison", "W1 with " + grouped(poison.poison()) + " poison tasks, each dead after "
                        + poison.maxAttempts() + " calls", poison);
            W1PoisonEntry noBackoff = report.w1PoisonNoBackoff();
            if (noBackoff != null)
                poisonRows(s, "W1 poison, no backoff", "the same, consumer.retry-backoff=" + noBackoff.retryBackoff(),
                        noBackoff);
            W1Entry warm = report.w1Warm();
            if (warm != null) {
                String w = grouped(warm.warmUp());
                row(s, "W1 warm: 1 task/put, after " + w + " untimed tasks in the same JVMs", warm.tasksPerSec());
                putsRow(s, warm);
                row(s, "chronicle-raw warm: the same after " + w + " untimed tasks",
                        baselines.chronicleRawWarm().tasksPerSec());
            }
            row(s, "python-seed: JoinableQueue + Array + Lock, 1 task/put", baselines.pythonSeed().tasksPerSec());
            row(s, "python-tuned: the same, unsynchronized Array, blocking get",
                    baselines.pythonTuned().tasksPerSec());
            row(s, "python-seed-100: python-seed, 100 tasks per put", baselines.pythonSeed100().tasksPerSec());
            s.append('\n');
        }
        if (batch != null) {
            row(s, "W1 batch: W1 cold, " + batch.perPut() + " tasks per putAll (n=" + grouped(batch.count()) + ")",
                    batch.tasksPerSec());
            putsRow(s, batch);
            W1Entry batchWarm = report.w1BatchWarm();
            if (batchWarm != null) {
                row(s, "W1 batch warm: the same after " + grouped(batchWarm.warmUp()) + " untimed tasks",
                        batchWarm.tasksPerSec());
                putsRow(s, batchWarm);
            }
            if (w1 == null)
                row(s, "python-seed-100: python-seed, 100 tasks per put", baselines.pythonSeed100().tasksPerSec());
            s.append('\n');
        }
        if (large != null) {
            row(s, "W1 large: W1 cold, 1 task/put, n=" + grouped(large.count()), large.tasksPerSec());
            putsRow(s, large);
            ThroughputEntry rawMinLarge = baselines.chronicleRawMinLarge();
            row(s, "chronicle-raw-min large: chronicle-raw-min, n=" + grouped(rawMinLarge.count()),
                    rawMinLarge.tasksPerSec());
            s.append('\n');
        }
        W2Entry w2 = report.w2();
        if (w2 != null) {
            LatencyEntry raw = baselines.chronicleRaw().latency();
            s.append(String.format(Locale.ROOT, "Latency from the intended send time to the end of handling, at %s "
                    + "tasks/s (n=%s, first %s discarded)%n", grouped(w2.rate()), grouped(w2.count()),
                    grouped(w2.warmup())));
            s.append(String.format(Locale.ROOT, "%-28s %22s %22s %22s %22s %22s%n", "", "p50", "p90", "p99", "p99.9",
                    "max"));
            latencyRow(s, "W2 TaskQ, consumer busy", w2.busy());
            latencyRow(s, "W2 TaskQ, consumer default", w2.configuredIdle());
            latencyRow(s, "chronicle-raw 1:1, busy", raw);
            s.append("How far the producer fell behind its schedule at most, per run (more than a few ms: the machine "
                    + "could not keep the pace, and the latency measures that backlog, not the queue):\n");
            s.append("  W2 busy:       ").append(behind(w2.busy())).append('\n');
            s.append("  W2 default:    ").append(behind(w2.configuredIdle())).append('\n');
            s.append("  chronicle-raw: ").append(behind(raw)).append('\n');
            s.append("Pausers that really ran (from each consumer's start-up line):\n");
            s.append("  W2 busy:       ").append(w2.busy().pauser()).append('\n');
            s.append("  W2 default:    ").append(w2.configuredIdle().pauser()).append('\n');
            s.append("  chronicle-raw: ").append(raw.pauser()).append('\n');
            s.append('\n');
        }
        List<Ratio> ratios = report.ratios().measured();
        if (!ratios.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%-40s %12s %10s  %s%n", "Against the targets (medians)", "value",
                    "target", ""));
            for (Ratio r : ratios)
                s.append(String.format(Locale.ROOT, "%-40s %12s %10s  %s%n", r.what(), format(r.value()), r.target(),
                        r.met() ? "met" : "NOT met"));
        }
        return s.toString();
    }

    /**
     * A poison variant: its tasks/s, its ratio to W1 cold's (medians of the same invocation), and each run's time from
     * the last put to join's return, in which the poison tasks' last retries fall.
     */
    private static void poisonRows(StringBuilder s, String label, String what, W1PoisonEntry poison) {
        row(s, label + ": " + what, poison.tasksPerSec());
        s.append(String.format(Locale.ROOT, "%-66s %14s%n", "  (" + label + " / W1, median over median)",
                format(poison.overW1Cold())));
        StringBuilder tail = new StringBuilder();
        for (double millis : poison.afterLastPutMillis())
            tail.append(tail.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f ms", millis));
        s.append(String.format(Locale.ROOT, "  (last put to join, per run: %s; retry backoff %s, at most %s)%n", tail,
                poison.retryBackoff(), poison.retryMaxBackoff()));
    }

    /** The producer's own put rate of a W1 entry, under its end-to-end row. */
    private static void putsRow(StringBuilder s, W1Entry w1) {
        row(s, "  (the producer's puts alone, first to last put)", w1.producerPutsPerSec());
    }

    /** One line: the median and [min - max] of {@code stats}. */
    private static void row(StringBuilder s, String label, Stats stats) {
        s.append(String.format(Locale.ROOT, "%-66s %14s   [%s - %s]%n", label, grouped(stats.median()),
                grouped(stats.min()), grouped(stats.max())));
    }

    private static void latencyRow(StringBuilder s, String label, LatencyEntry latency) {
        BenchReport.Spread spread = latency.spread();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s", label));
        cell(line, latency.p50Micros(), spread.p50Micros());
        cell(line, latency.p90Micros(), spread.p90Micros());
        cell(line, latency.p99Micros(), spread.p99Micros());
        cell(line, latency.p999Micros(), spread.p999Micros());
        cell(line, latency.maxMicros(), spread.maxMicros());
        s.append(line).append('\n');
    }

    /** The median and, when the runs differ, their [min-max]. */
    private static void cell(StringBuilder line, double median, Stats runs) {
        String cell = runs.min() == runs.max() ? LatencyPlot.micros(median) : LatencyPlot.micros(median)
                + " [" + LatencyPlot.micros(runs.min()) + "-" + LatencyPlot.micros(runs.max()) + "]";
        line.append(String.format(Locale.ROOT, " %22s", cell.replace(" µs", "µs").replace(" ms", "ms")
                .replace(" s", "s")));
    }

    private static String behind(LatencyEntry latency) {
        StringBuilder b = new StringBuilder();
        for (double micros : latency.producerMaxBehindScheduleMicros())
            b.append(b.length() == 0 ? "" : ", ").append(LatencyPlot.micros(micros));
        return b.toString();
    }

    static String grouped(double d) {
        return String.format(Locale.ROOT, "%,.0f", d);
    }

    /** 3 significant figures for small values, whole numbers with separators for large ones. */
    static String format(double d) {
        if (Math.abs(d) >= 1000)
            return String.format(Locale.ROOT, "%,.0f", d);
        if (Math.abs(d) >= 100)
            return String.format(Locale.ROOT, "%.0f", d);
        if (Math.abs(d) >= 10)
            return String.format(Locale.ROOT, "%.1f", d);
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
