package io.taskq.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The human-readable table of one invocation and the ratios against the baselines measured in it, both built from
 * the same map that {@code --json} prints. The targets are those of the benchmark issue; the table shows whether each
 * is met and never changes the exit code.
 */
final class Report {
    private Report() {
    }

    /** Ratios of medians measured in this invocation, each with its target and whether it is met. */
    static Map<String, Object> ratios(Map<String, Object> json) {
        Map<String, Object> r = new LinkedHashMap<>();
        Double w1 = number(json, "w1", "tasksPerSec", "median");
        Double py = number(json, "baselines", "python-seed", "tasksPerSec", "median");
        Double py100 = number(json, "baselines", "python-seed-100", "tasksPerSec", "median");
        Double pyTuned = number(json, "baselines", "python-tuned", "tasksPerSec", "median");
        Double raw = number(json, "baselines", "chronicle-raw", "tasksPerSec", "median");
        Double w1Warm = number(json, "w1Warm", "tasksPerSec", "median");
        Double rawWarm = number(json, "baselines", "chronicle-raw-warm", "tasksPerSec", "median");
        Double busyP50 = number(json, "w2", "busy", "p50Micros");
        Double busyP99 = number(json, "w2", "busy", "p99Micros");
        Double rawP99 = number(json, "baselines", "chronicle-raw", "p99Micros");
        if (w1 != null) {
            r.put("w1TasksPerSec", ratio(w1, 2_000_000, true, "W1 tasks/s (absolute)"));
            r.put("w1OverPythonSeed", ratio(w1 / py, 40, true, "W1 / python-seed"));
            r.put("w1OverPythonSeed100", ratio(w1 / py100, 2.4, true, "W1 / python-seed-100"));
            r.put("w1OverChronicleRaw", ratio(w1 / raw, 0.8, true, "W1 / chronicle-raw throughput"));
        }
        if (w1Warm != null) {
            r.put("w1WarmTasksPerSec", ratio(w1Warm, 2_000_000, true, "W1 warm tasks/s (absolute)"));
            r.put("w1WarmOverPythonSeed", ratio(w1Warm / py, 40, true, "W1 warm / python-seed"));
            r.put("w1WarmOverPythonTuned", ratio(w1Warm / pyTuned, 40, true, "W1 warm / python-tuned"));
            r.put("w1WarmOverPythonSeed100", ratio(w1Warm / py100, 2.4, true, "W1 warm / python-seed-100"));
            r.put("w1WarmOverChronicleRawWarm", ratio(w1Warm / rawWarm, 0.8, true, "W1 warm / chronicle-raw warm"));
        }
        if (busyP50 != null) {
            r.put("w2BusyP50Micros", ratio(busyP50, 2, false, "W2 busy p50 µs (absolute)"));
            r.put("w2BusyP99OverChronicleRawP99", ratio(busyP99 / rawP99, 1.25, false, "W2 busy p99 / chronicle-raw p99"));
        }
        return r;
    }

    private static Map<String, Object> ratio(double value, double target, boolean atLeast, String what) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("what", what);
        m.put("value", value);
        m.put("target", (atLeast ? ">= " : "<= ") + format(target));
        m.put("met", atLeast ? value >= target : value <= target);
        return m;
    }

    static String table(Map<String, Object> json) {
        StringBuilder s = new StringBuilder();
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) json.get("machine");
        s.append(String.format(Locale.ROOT, "TaskQ bench %s, %s run(s)%s, %s; %s CPUs (%s), %s%n", json.get("workloads"),
                json.get("runs"), Boolean.TRUE.equals(json.get("quick")) ? " (quick: small counts)" : "", json.get("date"),
                machine.get("cpus"), machine.get("cpuModel"), machine.get("jdk")));
        s.append(String.format(Locale.ROOT, "Load average (1 min) at start %s, at end %s: the machine is shared, so other work "
                + "competes for the 2 cores.%n", machine.get("loadAverageAtStart"), machine.get("loadAverageAtEnd")));
        s.append("Every run verified its totals against the closed form. Figures: median [min - max] over the runs.\n\n");
        if (json.containsKey("w1")) {
            s.append(String.format(Locale.ROOT, "%-66s %14s   %s%n", "Throughput, tasks/s", "median", "[min - max]"));
            row(s, "W1 TaskQ: 1 producer, 3 consumers, results + join (n=" + count(json, "w1") + ")", json, "w1");
            putsRow(s, json, "w1");
            row(s, "chronicle-raw: 1 producer, 1 consumer, plain ack", json, "baselines", "chronicle-raw");
            if (json.containsKey("w1Warm")) {
                String w = count(json, "w1Warm", "warmUp");
                row(s, "W1 warm: the same after " + w + " untimed tasks in the same JVMs", json, "w1Warm");
                putsRow(s, json, "w1Warm");
                row(s, "chronicle-raw warm: the same after " + w + " untimed tasks", json, "baselines", "chronicle-raw-warm");
            }
            row(s, "python-seed: JoinableQueue + Array + Lock, 1 task/put", json, "baselines", "python-seed");
            row(s, "python-tuned: the same, unsynchronized Array, blocking get", json, "baselines", "python-tuned");
            row(s, "python-seed-100: python-seed, 100 tasks per put", json, "baselines", "python-seed-100");
            s.append('\n');
        }
        if (json.containsKey("w2")) {
            s.append(String.format(Locale.ROOT, "Latency from the intended send time to the end of handling, at %s tasks/s "
                    + "(n=%s, first %s discarded)%n", grouped(number(json, "w2", "rate")), grouped(number(json, "w2", "count")),
                    grouped(number(json, "w2", "warmup"))));
            s.append(String.format(Locale.ROOT, "%-28s %22s %22s %22s %22s %22s%n", "", "p50", "p90", "p99", "p99.9", "max"));
            latencyRow(s, "W2 TaskQ, consumer busy", json, "w2", "busy");
            latencyRow(s, "W2 TaskQ, consumer default", json, "w2", "default");
            latencyRow(s, "chronicle-raw 1:1, busy", json, "baselines", "chronicle-raw");
            s.append("How far the producer fell behind its schedule at most, per run (more than a few ms: the machine could not "
                    + "keep the pace, and the latency measures that backlog, not the queue):\n");
            s.append("  W2 busy:       ").append(behind(json, "w2", "busy")).append('\n');
            s.append("  W2 default:    ").append(behind(json, "w2", "default")).append('\n');
            s.append("  chronicle-raw: ").append(behind(json, "baselines", "chronicle-raw")).append('\n');
            s.append("Pausers that really ran (from each consumer's start-up line):\n");
            s.append("  W2 busy:       ").append(string(json, "w2", "busy", "pauser")).append('\n');
            s.append("  W2 default:    ").append(string(json, "w2", "default", "pauser")).append('\n');
            s.append("  chronicle-raw: ").append(string(json, "baselines", "chronicle-raw", "pauser")).append('\n');
            s.append('\n');
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ratios = (Map<String, Object>) json.get("ratios");
        if (!ratios.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%-40s %12s %10s  %s%n", "Against the targets (medians)", "value", "target", ""));
            for (Object o : ratios.values()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> r = (Map<String, Object>) o;
                s.append(String.format(Locale.ROOT, "%-40s %12s %10s  %s%n", r.get("what"), format((Double) r.get("value")),
                        r.get("target"), Boolean.TRUE.equals(r.get("met")) ? "met" : "NOT met"));
            }
        }
        return s.toString();
    }

    private static void row(StringBuilder s, String label, Map<String, Object> json, String... path) {
        statsRow(s, label, json, append(path, "tasksPerSec"));
    }

    /** The producer's own put rate of a W1 entry ({@code w1} or {@code w1Warm}), under its end-to-end row. */
    private static void putsRow(StringBuilder s, Map<String, Object> json, String key) {
        statsRow(s, "  (the producer's puts alone, first to last put)", json, key, "producerPutsPerSec");
    }

    /** One line: the median and [min - max] of the stats entry at {@code path}. */
    private static void statsRow(StringBuilder s, String label, Map<String, Object> json, String... path) {
        s.append(String.format(Locale.ROOT, "%-66s %14s   [%s - %s]%n", label, grouped(number(json, append(path, "median"))),
                grouped(number(json, append(path, "min"))), grouped(number(json, append(path, "max")))));
    }

    private static void latencyRow(StringBuilder s, String label, Map<String, Object> json, String... path) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s", label));
        for (String key : List.of("p50Micros", "p90Micros", "p99Micros", "p999Micros", "maxMicros")) {
            String[] spread = append(append(append(path, "spread"), key), "");
            double med = number(json, append(path, key));
            double min = number(json, replaceLast(spread, "min"));
            double max = number(json, replaceLast(spread, "max"));
            String cell = min == max ? LatencyPlot.micros(med)
                    : LatencyPlot.micros(med) + " [" + LatencyPlot.micros(min) + "-" + LatencyPlot.micros(max) + "]";
            line.append(String.format(Locale.ROOT, " %22s", cell.replace(" µs", "µs").replace(" ms", "ms").replace(" s", "s")));
        }
        s.append(line).append('\n');
    }

    private static String behind(Map<String, Object> json, String... path) {
        Object o = json;
        for (String key : append(path, "producerMaxBehindScheduleMicros")) {
            if (!(o instanceof Map<?, ?> m))
                return "?";
            o = m.get(key);
        }
        if (!(o instanceof List<?> runs))
            return "?";
        StringBuilder b = new StringBuilder();
        for (Object r : runs)
            b.append(b.length() == 0 ? "" : ", ").append(LatencyPlot.micros(((Number) r).doubleValue()));
        return b.toString();
    }

    private static String count(Map<String, Object> json, String key) {
        return count(json, key, "count");
    }

    private static String count(Map<String, Object> json, String key, String field) {
        return grouped(number(json, key, field));
    }

    private static String[] append(String[] path, String key) {
        String[] p = java.util.Arrays.copyOf(path, path.length + 1);
        p[path.length] = key;
        return p;
    }

    private static String[] replaceLast(String[] path, String key) {
        String[] p = path.clone();
        p[p.length - 1] = key;
        return p;
    }

    static Double number(Map<String, Object> json, String... path) {
        Object o = json;
        for (String key : path) {
            if (!(o instanceof Map<?, ?> m) || !m.containsKey(key))
                return null;
            o = m.get(key);
        }
        return o instanceof Number n ? n.doubleValue() : null;
    }

    private static String string(Map<String, Object> json, String... path) {
        Object o = json;
        for (String key : path) {
            if (!(o instanceof Map<?, ?> m))
                return "?";
            o = m.get(key);
        }
        return String.valueOf(o);
    }

    static String grouped(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%,.0f", d);
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
