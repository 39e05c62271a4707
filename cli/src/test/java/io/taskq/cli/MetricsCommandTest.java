package io.taskq.cli;

import io.taskq.common.Await;
import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskQException;
import io.taskq.common.TaskResult;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.store.Schema;
import io.taskq.common.store.SlotSnapshot;
import io.taskq.consumer.ConsumerSettings;
import io.taskq.consumer.TaskConsumer;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code taskq metrics} on a data directory that a real producer and two real consumers (slots 0 and 2, in this JVM)
 * wrote, with tasks that fail and die: the exposition's structure (one HELP and one TYPE line before each family's
 * samples, names, counters ending in {@code _total}), its figures against what {@link Progress} reads, the latency
 * histograms (cumulative, exact at their boundaries, {@code +Inf} equal to {@code _count}), label escaping and the
 * atomic rewrite of {@code --textfile}.
 */
@Timeout(120)
class MetricsCommandTest {
    private static final int TASKS = 2_000;
    /** Tasks whose every call fails: they die after {@link #ATTEMPTS} attempts. */
    private static final int POISON_EVERY = 100;
    private static final int ATTEMPTS = 2;
    /** The families in the order printed: dashboards and alerts read these names. */
    private static final List<String> FAMILIES = List.of("taskq_info", "taskq_tasks_submitted_total",
            "taskq_tasks_claimed_total", "taskq_tasks_done_total", "taskq_tasks_dead_total",
            "taskq_handler_failures_total", "taskq_tasks_backlog", "taskq_tasks_retrying", "taskq_tasks_in_flight",
            "taskq_stream_sealed", "taskq_stream_all_done", "taskq_throughput_tasks_per_second",
            "taskq_slot_tasks_done_total", "taskq_slot_handler_attempts_total", "taskq_slot_handler_failures_total",
            "taskq_slot_tasks_dead_total", "taskq_slot_heartbeat_age_seconds", "taskq_slot_tasks_in_flight",
            "taskq_slot_tasks_retrying", "taskq_slot_alive", "taskq_slot_orphaned", "taskq_slot_frozen",
            "taskq_slot_taken_over", "taskq_slot_task_latency_seconds");
    private static final String LATENCY = "taskq_slot_task_latency_seconds";
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");

    @TempDir
    static Path tmp;
    /** The data directory; its name needs escaping in a label value. */
    static Path data;

    private static final TaskHandler POISONED = new TaskHandler() {
        @Override
        public String name() {
            return "poisoned";
        }

        @Override
        public void handle(Task task, TaskResult result) {
            if (task.seq() % POISON_EVERY == 7)
                throw new IllegalStateException("poison " + task.seq());
            result.set(task.value() + 1, task.payload() * 2);
        }
    };

    @BeforeAll
    static void produceAndConsume() {
        data = tmp.resolve("data \"quoted\" \\ back");
        produce(data, TASKS);
        try (TaskConsumer zero = consumer(data, 0);
             TaskConsumer two = consumer(data, 2);
             DataDirectory dir = open(data)) {
            // Both consumers in this thread, a batch each in turn, so that both slots do work.
            assertTrue(Await.FAST.until(Duration.ofSeconds(60), () -> {
                zero.doWork();
                two.doWork();
                return Progress.read(dir).allDone();
            }), () -> "all done: " + Progress.read(dir));
        }
    }

    private static void produce(Path dir, int tasks) {
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            for (int seq = 0; seq < tasks; seq++)
                producer.put(seq, seq * 0.5);
            producer.seal();
        }
    }

    private static TaskConsumer consumer(Path dir, int index) {
        return TaskConsumer.open(ConsumerSettings.builder(dir).index(index).batchSize(50).maxAttempts(ATTEMPTS)
                .retryBackoff(Duration.ZERO).build(), POISONED);
    }

    private static DataDirectory open(Path dir) {
        return DataDirectory.openExisting(dir, RollCycles.FAST_DAILY);
    }

    private static Progress progress(Path dir) {
        try (DataDirectory d = open(dir)) {
            return Progress.read(d);
        }
    }

    /** {@code taskq metrics --data-dir dir}, which must exit 0 with nothing on stderr. */
    private static String metrics(Path dir) {
        CommandRun run = CommandRun.of("metrics", "--data-dir", dir.toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.err(), run::toString);
        return run.out();
    }

    /** One sample line: the series name, its labels in order, and the value as printed. */
    private record Sample(String name, Map<String, String> labels, String value) {
        static Sample parse(String line) {
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), () -> "a sample line: " + line);
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                int at = 0;
                while (l.find() && l.start() == at) {
                    labels.put(l.group(1), l.group(2));
                    at = l.end();
                }
                assertEquals(m.group(3).length(), at, () -> "labels of " + line);
            }
            return new Sample(m.group(1), labels, m.group(4));
        }

        long count() {
            return Long.parseLong(value);
        }
    }

    private static List<Sample> samples(String text) {
        return text.lines().filter(l -> !l.startsWith("#")).map(Sample::parse).toList();
    }

    /**
     * The sample named {@code name} with exactly these labels besides {@code data_dir} (which every sample carries,
     * see {@link #everySampleShouldCarryTheDataDirectoryAsItsFirstLabel}); fails if there is none.
     */
    private static Sample sample(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && withoutDir(s.labels()).equals(labels))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + samples));
    }

    private static Map<String, String> withoutDir(Map<String, String> labels) {
        Map<String, String> rest = new LinkedHashMap<>(labels);
        rest.remove("data_dir");
        return rest;
    }

    private static long job(List<Sample> samples, String name) {
        return sample(samples, name, Map.of()).count();
    }

    private static long slot(List<Sample> samples, String name, int slot) {
        return sample(samples, name, Map.of("slot", String.valueOf(slot))).count();
    }

    @Test
    void shouldPrintOneHelpAndOneTypeLineBeforeTheSamplesOfEachFamily() {
        String text = metrics(data);
        assertTrue(text.endsWith("\n"), "ends with a line feed");
        List<String> families = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        String current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("# HELP ")) {
                String name = line.split(" ", 4)[2];
                assertTrue(line.split(" ", 4).length == 4 && !line.split(" ", 4)[3].isBlank(), "help text: " + line);
                String type = lines.get(i + 1);
                assertTrue(type.startsWith("# TYPE " + name + " "), () -> "TYPE right after HELP: " + type);
                types.put(name, type.substring(("# TYPE " + name + " ").length()));
                families.add(name);
                current = name;
                i++;
                continue;
            }
            assertFalse(line.startsWith("#"), () -> "only HELP and TYPE comments: " + line);
            String family = current;
            String series = Sample.parse(line).name();
            boolean ofFamily = types.get(family).equals("histogram")
                    ? series.matches(Pattern.quote(family) + "_(bucket|sum|count)") : series.equals(family);
            assertTrue(ofFamily, () -> "sample " + line + " follows the HELP and TYPE of its family " + family);
        }
        assertEquals(FAMILIES, families, text);
        assertEquals(families.size(), new HashSet<>(families).size(), "each family once");
        for (Map.Entry<String, String> e : types.entrySet()) {
            String name = e.getKey();
            assertTrue(Set.of("counter", "gauge", "histogram").contains(e.getValue()), name);
            assertEquals(e.getValue().equals("counter"), name.endsWith("_total"),
                    () -> "counters and only counters end in _total: " + name + " " + e.getValue());
        }
        assertEquals("histogram", types.get(LATENCY));
        for (Sample s : samples(text))
            if (s.name().startsWith("taskq_slot_"))
                assertTrue(Set.of("0", "2").contains(s.labels().get("slot")), () -> "slot label of " + s);
    }

    @Test
    void shouldReportWhatTheFilesHoldAsStatusReadsThem() {
        List<Sample> m = samples(metrics(data));
        Progress p = progress(data);
        int poison = TASKS / POISON_EVERY;
        assertEquals(TASKS, job(m, "taskq_tasks_submitted_total"));
        assertEquals(TASKS, job(m, "taskq_tasks_claimed_total"));
        assertEquals(TASKS - poison, job(m, "taskq_tasks_done_total"));
        assertEquals(poison, job(m, "taskq_tasks_dead_total"));
        assertEquals((long) poison * ATTEMPTS, job(m, "taskq_handler_failures_total"));
        for (String none : List.of("taskq_tasks_backlog", "taskq_tasks_retrying", "taskq_tasks_in_flight",
                "taskq_throughput_tasks_per_second"))
            assertEquals(0, job(m, none), none);
        assertEquals(1, job(m, "taskq_stream_sealed"));
        assertEquals(1, job(m, "taskq_stream_all_done"));

        assertEquals(2, p.slots().size(), "both consumers did work: " + p.slots());
        for (SlotSnapshot s : p.slots()) {
            int i = s.index();
            assertTrue(s.figures().done > 0, () -> "slot " + i + " did work");
            assertEquals(s.figures().done, slot(m, "taskq_slot_tasks_done_total", i));
            assertEquals(s.attempts(), slot(m, "taskq_slot_handler_attempts_total", i));
            assertEquals(s.failures(), slot(m, "taskq_slot_handler_failures_total", i));
            assertEquals(s.dead(), slot(m, "taskq_slot_tasks_dead_total", i));
            assertEquals(0, slot(m, "taskq_slot_tasks_in_flight", i));
            assertEquals(0, slot(m, "taskq_slot_tasks_retrying", i));
            assertEquals(s.alive() ? 1 : 0, slot(m, "taskq_slot_alive", i));
            for (String no : List.of("taskq_slot_orphaned", "taskq_slot_frozen", "taskq_slot_taken_over"))
                assertEquals(0, slot(m, no, i), () -> no + " of slot " + i);
            double age = Double.parseDouble(sample(m, "taskq_slot_heartbeat_age_seconds",
                    Map.of("slot", String.valueOf(i))).value());
            assertTrue(age >= 0 && age < 120, () -> "heartbeat age of slot " + i + ": " + age);
        }
        assertEquals(p.slots().stream().mapToLong(SlotSnapshot::failures).sum(),
                job(m, "taskq_handler_failures_total"), "the slots' failures add up");
    }

    @Test
    void shouldPrintCumulativeHistogramsWhoseInfBucketIsTheCount() {
        List<Sample> m = samples(metrics(data));
        Progress p = progress(data);
        for (SlotSnapshot s : p.slots()) {
            String slot = String.valueOf(s.index());
            List<Sample> buckets = m.stream().filter(x -> x.name().equals(LATENCY + "_bucket")
                    && slot.equals(x.labels().get("slot"))).toList();
            assertEquals(MetricsReport.LATENCY_BOUNDS_NANOS.length + 1, buckets.size(), buckets::toString);
            long previous = 0;
            for (int b = 0; b < buckets.size(); b++) {
                Sample bucket = buckets.get(b);
                assertEquals(List.of("data_dir", "slot", "le"), List.copyOf(bucket.labels().keySet()),
                        bucket::toString);
                String le = bucket.labels().get("le");
                if (b < MetricsReport.LATENCY_BOUNDS_NANOS.length)
                    assertEquals(0, new BigDecimal(le).compareTo(
                            BigDecimal.valueOf(1L << (10 + b), 9)), () -> "le is 2^k ns: " + bucket);
                else
                    assertEquals("+Inf", le);
                assertTrue(bucket.count() >= previous, () -> "cumulative: " + buckets);
                previous = bucket.count();
            }
            long count = sample(m, LATENCY + "_count", Map.of("slot", slot)).count();
            assertEquals(count, previous, "+Inf equals _count");
            assertEquals(s.figures().done, count, "one latency for each task done by slot " + slot);
            String sum = sample(m, LATENCY + "_sum", Map.of("slot", slot)).value();
            assertEquals(BigDecimal.valueOf(s.figures().latencySumNanos, 9).compareTo(new BigDecimal(sum)), 0,
                    () -> "_sum is the slot's latency sum in seconds: " + sum);
        }
    }

    @Test
    void shouldCountEachLatencyBelowEachBoundaryExactly() {
        Path dir = tmp.resolve("boundaries");
        produce(dir, 1);
        try (TaskConsumer consumer = consumer(dir, 0);
             DataDirectory d = open(dir)) {
            assertTrue(Await.FAST.until(Duration.ofSeconds(60), () -> {
                consumer.doWork();
                return Progress.read(d).allDone();
            }));
        }
        List<Sample> before = samples(metrics(dir));
        try (DataDirectory d = open(dir)) {
            ResultSlot slot = d.slots().slot(0);
            // Just below, at and just above the first boundary (1024 ns), and beyond the last one (2^36 ns).
            for (long nanos : new long[]{0, 1023, 1024, 1025, (1L << 36) - 1, 1L << 36, 100_000_000_000L})
                slot.recordLatency(nanos, System.nanoTime());
        }
        List<Sample> after = samples(metrics(dir));
        Map<String, Long> added = new LinkedHashMap<>();
        for (Sample s : after)
            if (s.name().equals(LATENCY + "_bucket"))
                added.put(s.labels().get("le"), s.count() - sample(before, s.name(), withoutDir(s.labels())).count());
        // 0 and 1023 are below 1024 ns; 1024 and 1025 below 2048; 2^36 - 1 below the last; 2^36 and 100 s are not.
        assertEquals(2, added.get("0.000001024"), added::toString);
        assertEquals(4, added.get("0.000002048"), added::toString);
        assertEquals(4, added.get("34.359738368"), added::toString);
        assertEquals(5, added.get("68.719476736"), added::toString);
        assertEquals(7, added.get("+Inf"), added::toString);
        assertEquals(7, slot(after, LATENCY + "_count", 0) - slot(before, LATENCY + "_count", 0));
    }

    @Test
    void shouldEscapeTheDataDirectoryInItsLabel() {
        List<Sample> m = samples(metrics(data));
        Sample info = m.stream().filter(s -> s.name().equals("taskq_info")).findFirst().orElseThrow();
        assertEquals(List.of("data_dir", "schema"), List.copyOf(info.labels().keySet()));
        String absolute = data.toAbsolutePath().normalize().toString();
        String dirLabel = info.labels().get("data_dir");
        assertTrue(dirLabel.endsWith("/data \\\"quoted\\\" \\\\ back"), dirLabel);
        assertEquals(absolute.replace("\\", "\\\\").replace("\"", "\\\""), dirLabel);
        assertEquals(String.valueOf(Schema.VERSION), info.labels().get("schema"));
        assertEquals("1", info.value());
        assertEquals("line\\none \\\"two\\\" C:\\\\three", MetricsReport.labelValue("line\none \"two\" C:\\three"));
        assertEquals("a\\\\b\\nc \"d\"", MetricsReport.helpText("a\\b\nc \"d\""));
    }

    /**
     * Two data directories' files in one textfile collector (or two hosts' scrapes) must not give the same series:
     * every sample names its data directory, escaped as in taskq_info, before any other label.
     */
    @Test
    void everySampleShouldCarryTheDataDirectoryAsItsFirstLabel() {
        List<Sample> m = samples(metrics(data));
        String expected = MetricsReport.labelValue(data.toAbsolutePath().normalize().toString());
        assertTrue(m.size() > FAMILIES.size(), m::toString);
        for (Sample s : m) {
            assertEquals("data_dir", s.labels().keySet().iterator().next(), s::toString);
            assertEquals(expected, s.labels().get("data_dir"), s::toString);
        }
        Path other = tmp.resolve("other");
        produce(other, 1);
        List<Sample> o = samples(metrics(other));
        Set<String> series = new HashSet<>();
        for (Sample s : m)
            series.add(s.name() + s.labels());
        for (Sample s : o)
            assertTrue(series.add(s.name() + s.labels()), () -> "a series of both directories: " + s);
    }

    @Test
    void shouldPrintTheRateWithOneDecimalAndTimesInSecondsWithoutExponent() {
        try (DataDirectory d = open(data)) {
            String text = MetricsReport.of(d, Progress.read(d), new StatusCommand.Rates(12_345.67, Map.of()), 10_000);
            assertEquals("12345.7", sample(samples(text), "taskq_throughput_tasks_per_second", Map.of()).value(),
                    text);
        }
        assertEquals("0.000001024", MetricsReport.seconds(1024, 9));
        assertEquals("68.719476736", MetricsReport.seconds(1L << 36, 9));
        assertEquals("0", MetricsReport.seconds(0, 9));
        assertEquals("12", MetricsReport.seconds(12_000, 3));
        assertEquals("0.086", MetricsReport.seconds(86, 3));
        assertEquals("+Inf", MetricsReport.number(Double.POSITIVE_INFINITY));
        assertEquals("3", MetricsReport.number(3.0));
    }

    @Test
    void shouldReplaceTheTextfileInOneStepAndLeaveNoTemporaryFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("textfile"));
        Path file = dir.resolve("taskq.prom");
        MetricsCommand.writeAtomically(file, "first 1\n");
        assertEquals("first 1\n", Files.readString(file));
        MetricsCommand.writeAtomically(file, "second 2\n");
        assertEquals("second 2\n", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "only the file itself");
        }
        TaskQException e = assertThrows(TaskQException.class,
                () -> MetricsCommand.writeAtomically(dir.resolve("gone").resolve("taskq.prom"), "x 1\n"));
        assertEquals(TaskQException.EXIT_FAILED, e.exitCode());
        assertTrue(e.getMessage().startsWith("taskq metrics: cannot write " + dir.resolve("gone")), e.getMessage());
    }

    @Test
    void shouldRefuseAMissingOrForeignDataDirectoryAsStatusDoes() throws IOException {
        Path missing = tmp.resolve("missing");
        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        for (Path dir : List.of(missing, foreign)) {
            CommandRun status = CommandRun.of("status", "--data-dir", dir.toString());
            CommandRun metrics = CommandRun.of("metrics", "--data-dir", dir.toString());
            assertEquals(2, status.exitCode(), status::toString);
            assertEquals(2, metrics.exitCode(), metrics::toString);
            assertEquals("", metrics.out(), metrics::toString);
            assertEquals(1, status.errLines().size(), status::toString);
            assertEquals(List.of(status.errLines().get(0).replaceFirst("^taskq status: ", "taskq metrics: ")),
                    metrics.errLines(), metrics::toString);
        }
        assertFalse(Files.exists(missing), "nothing was created");
        CommandRun textfile = CommandRun.of("metrics", "--textfile", tmp.resolve("t.prom").toString(),
                "--data-dir", missing.toString());
        assertEquals(2, textfile.exitCode(), textfile::toString);
        assertEquals(1, textfile.errLines().size(), textfile::toString);
        assertTrue(textfile.errLines().get(0).startsWith("taskq metrics: data directory " + missing),
                textfile::toString);
        assertFalse(Files.exists(tmp.resolve("t.prom")), "no textfile written");
    }
}
