package io.taskq.systemtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code taskq metrics} against real processes: Prometheus' own {@code promtool check metrics} accepts what it prints,
 * without a lint warning, while two consumers run with tasks in flight; {@code metrics --textfile} rewrites its file
 * as the job advances, promtool accepts the file during the run and once the job is finished and the consumers have
 * exited, and SIGTERM ends it with exit code 0. A gated handler ({@link GatedExampleHandler}) keeps the job running
 * until the test has seen it live, then lets it finish at once.
 * <p>
 * promtool comes with Debian's {@code prometheus} package, which {@code .ci/run} installs; without it this test fails
 * (it does not skip).
 */
class MetricsTest extends ProcessTest {
    /** At most about 1,000 tasks a second while the gate is closed: the job cannot end before the test opens it. */
    private static final int TASKS = 100_000;
    private static final int CONSUMERS = 2;
    private static final Path TEST_CLASSES = Taskq.PROJECT_ROOT.resolve("system-tests/target/test-classes");
    /** Enough for a JVM to start and work on a loaded 2-core machine. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** A sample line: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    @Test
    @Timeout(240)
    void shouldPassPromtoolOnALiveAndAFinishedRunAndKeepTheTextfileUpToDate() throws Exception {
        requirePromtool();
        long start = System.nanoTime();
        Path data = tmp.resolve("data");
        Path gate = tmp.resolve("gate-open");
        Path textfile = tmp.resolve("textfile").resolve("taskq.prom");
        Files.createDirectories(textfile.getParent());
        Map<String, String> env = Map.of("TASKQ_CLASSPATH", TEST_CLASSES.toString(),
                "TASKQ_CONSUMER_HANDLER", GatedExampleHandler.NAME, GatedExampleHandler.OPEN_ENV, gate.toString());
        // Consumers, producer and exporter start together, the exporter as soon as the data directory exists (it
        // refuses one that does not): this test watches the job, not the order of start-ups.
        TaskqProcess[] consumers = new TaskqProcess[CONSUMERS];
        for (int k = 0; k < CONSUMERS; k++)
            consumers[k] = taskq.start("consumer-" + k, env, "consume", "--index", String.valueOf(k), "--exit-on-eos",
                    "--data-dir", data.toString());
        TaskqProcess producer = taskq.start("producer", "produce", "--count", String.valueOf(TASKS), "--seal",
                "--data-dir", data.toString());
        TaskqProcess exporter;
        try (ProgressProbe probe = ProgressProbe.open(data, WAIT)) {
            exporter = taskq.start("metrics-textfile", "metrics", "--textfile", textfile.toString(),
                    "--interval", "250ms", "--data-dir", data.toString());
            probe.await(WAIT, "both consumers to hold tasks in flight",
                    p -> p.slots().size() == CONSUMERS && p.slots().stream().allMatch(s -> s.inFlight() > 0),
                    consumers);
        }

        // The gate keeps the job running, so this one sees it live.
        String live = taskq.runOk("metrics-live", "metrics", "--data-dir", data.toString()).stdout();
        assertPromtoolAccepts("live run", live);
        assertEquals(1, value(live, "taskq_stream_sealed"), live);
        assertEquals(0, value(live, "taskq_stream_all_done"), () -> "the job still runs\n" + live);
        assertTrue(value(live, "taskq_tasks_done_total") < TASKS, live);
        assertTrue(value(live, "taskq_tasks_in_flight") > 0, () -> "tasks in flight\n" + live);
        String dirLabel = "data_dir=\"" + data.toAbsolutePath().normalize() + "\"";
        assertEquals(Map.of("{" + dirLabel + ",slot=\"0\"}", 1L, "{" + dirLabel + ",slot=\"1\"}", 1L),
                values(live, "taskq_slot_alive"), live);
        assertEquals(0, producer.awaitExit(WAIT), producer::describe);

        String first = awaitTextfile(textfile, exporter, "a write while tasks are in flight",
                text -> value(text, "taskq_tasks_in_flight") > 0);
        assertPromtoolAccepts("textfile of the live run", first);
        assertEquals(0, value(first, "taskq_stream_all_done"), first);
        long doneBefore = value(first, "taskq_tasks_done_total");
        awaitTextfile(textfile, exporter, "a rewrite after more tasks are done",
                text -> value(text, "taskq_tasks_done_total") > doneBefore);

        Files.createFile(gate);
        for (TaskqProcess c : consumers)
            assertEquals(0, c.awaitExit(WAIT), c::describe);
        String finished = awaitTextfile(textfile, exporter, "a rewrite after the consumers exited",
                text -> values(text, "taskq_slot_alive").values().stream().allMatch(alive -> alive == 0));
        assertPromtoolAccepts("textfile of the finished run", finished);
        assertEquals(1, value(finished, "taskq_stream_all_done"), finished);
        assertEquals(TASKS, value(finished, "taskq_tasks_submitted_total"), finished);
        assertEquals(TASKS, value(finished, "taskq_tasks_done_total"), finished);
        for (String none : List.of("taskq_tasks_backlog", "taskq_tasks_in_flight", "taskq_tasks_dead_total"))
            assertEquals(0, value(finished, none), () -> none + "\n" + finished);
        long latencies = values(finished, "taskq_slot_task_latency_seconds_count").values().stream()
                .mapToLong(Long::longValue).sum();
        assertEquals(TASKS, latencies, () -> "one latency per task, over the slots' histograms\n" + finished);
        // The one-shot command on the finished run, as a scrape by hand would see it.
        String oneShot = taskq.runOk("metrics-finished", "metrics", "--data-dir", data.toString()).stdout();
        assertPromtoolAccepts("one-shot metrics of the finished run", oneShot);
        assertEquals(TASKS, value(oneShot, "taskq_tasks_done_total"), oneShot);
        assertEquals(1, value(oneShot, "taskq_stream_all_done"), oneShot);

        exporter.terminate();
        assertEquals(0, exporter.awaitExit(WAIT), () -> "metrics --textfile exits 0 on SIGTERM\n"
                + exporter.describe());
        assertTrue(Files.exists(textfile), "the last complete file stays after SIGTERM");
        System.out.printf(Locale.ROOT, "metrics test: promtool accepted a live run, the textfile during and after "
                + "the job, and the one-shot output of the finished run; %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** Fails, with what to install, unless promtool runs. */
    private static void requirePromtool() throws InterruptedException {
        Process version;
        try {
            version = new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("promtool is not installed (" + e.getMessage() + "): install Debian's prometheus package, which "
                    + "provides /usr/bin/promtool (apt-get install prometheus; .ci/run does)");
            return;
        }
        assertTrue(version.waitFor(30, TimeUnit.SECONDS), "promtool --version finished");
        assertEquals(0, version.exitValue(), "promtool --version");
    }

    /** {@code promtool check metrics} exits 0 on {@code text} and prints nothing: no error and no lint warning. */
    private static void assertPromtoolAccepts(String what, String text) throws IOException, InterruptedException {
        Process check = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = check.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool check metrics finished");
        assertEquals(0, check.exitValue(), () -> what + ": promtool check metrics failed: " + said + "\n" + text);
        assertEquals("", said.strip(), () -> what + ": promtool's lint warnings\n" + text);
    }

    /** Waits until the textfile exists and {@code condition} holds for its content, which it returns. */
    private static String awaitTextfile(Path file, TaskqProcess exporter, String what,
                                        Predicate<String> condition) throws Exception {
        return Poll.until(WAIT, what + " of " + file, () -> {
            if (!exporter.isAlive())
                throw new AssertionError("metrics --textfile exited while waiting for " + what + "\n"
                        + exporter.describe());
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException notYet) {
                return null;
            }
        }, text -> text != null && condition.test(text), text -> text == null ? "no file yet" : text);
    }

    /** The value of the one sample named {@code name} (a job-wide family: one sample), a whole number. */
    private static long value(String text, String name) {
        Map<String, Long> found = values(text, name);
        assertEquals(1, found.size(), () -> "one sample " + name + " in\n" + text);
        return found.values().iterator().next();
    }

    /** The samples named {@code name}, by their labels as printed ("" for none), as whole numbers. */
    private static Map<String, Long> values(String text, String name) {
        Map<String, Long> found = new TreeMap<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find())
            if (m.group(1).equals(name))
                found.put(m.group(2) == null ? "" : m.group(2), Long.parseLong(m.group(3)));
        return found;
    }
}
