package io.taskq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code taskq bench all --quick --json} end to end: real producer, consumer, raw Chronicle (both excerpt
 * formats) and Python processes, W1 with poison tasks, W1 batch and W1 large (scaled down) included. It checks
 * that every run verified and that the JSON holds the keys scripts rely on (read as plain JSON, not through
 * {@link BenchReport}, so that a renamed component shows) and the table their rows; it never judges speed. It
 * takes minutes, so the default build leaves it out (tag {@value #TAG}); CI runs it on its own (see bench/pom.xml).
 */
@Tag(BenchCommandTest.TAG)
class BenchCommandTest {
    static final String TAG = "bench-end-to-end";

    @BeforeAll
    static void asBinTaskqWould() {
        String root = System.getProperty("taskq.project.root");
        assertNotNull(root, "surefire sets taskq.project.root");
        // bin/taskq passes these; JvmLauncher hands them on to every process the harness starts.
        System.setProperty("taskq.home", root);
        System.setProperty("logback.configurationFile", Path.of(root, "config", "logback.xml").toString());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void quickRunOfAllWorkloadsVerifiesAndPrintsTheDocumentedJsonKeys(@TempDir Path results) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[]{"all", "--quick", "--json", "--results", results.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, stderr);

        String stdout = out.toString(StandardCharsets.UTF_8);
        JsonNode json = new ObjectMapper().readTree(stdout);
        assertTrue(at(json, "w1", "verified").isBoolean());
        assertTrue(at(json, "w1", "verified").booleanValue());
        assertEquals(50_000.0, number(json, "w1", "count"));
        positive(json, "w1", "tasksPerSec", "median");
        positive(json, "w1", "producerPutsPerSec", "median");
        assertTrue(at(json, "w1Warm", "verified").isBoolean());
        assertTrue(at(json, "w1Warm", "verified").booleanValue());
        assertEquals(10_000.0, number(json, "w1Warm", "warmUp"));
        positive(json, "w1Warm", "tasksPerSec", "median");
        positive(json, "baselines", "chronicle-raw-warm", "tasksPerSec", "median");
        assertTrue(at(json, "ratios", "w1WarmOverChronicleRawWarm", "met").isBoolean());
        for (String poison : new String[]{"w1Poison", "w1PoisonNoBackoff"}) {
            assertTrue(at(json, poison, "verified").booleanValue(), poison);
            assertEquals(50_000.0, number(json, poison, "count"));
            assertEquals(50.0, number(json, poison, "poison"), "1 task in 1,000 of 50,000");
            assertEquals(5.0, number(json, poison, "maxAttempts"));
            positive(json, poison, "tasksPerSec", "median");
            positive(json, poison, "overW1Cold");
        }
        for (String variant : new String[]{"w1ResultsOff", "w1ResultBodies"}) {
            assertTrue(at(json, variant, "verified").booleanValue(), variant);
            assertEquals(50_000.0, number(json, variant, "count"));
            positive(json, variant, "tasksPerSec", "median");
        }
        assertTrue(stderr.contains("results log: W1 (log on, no body)"), "the results log's cost:\n" + stderr);
        assertEquals("100ms", at(json, "w1Poison", "retryBackoff").textValue());
        assertEquals("0s", at(json, "w1PoisonNoBackoff", "retryBackoff").textValue());
        assertTrue(stderr.contains("W1 poison, no backoff:"), "a progress line with the median and ratio:\n" + stderr);
        positive(json, "w2", "busy", "p50Micros");
        positive(json, "w2", "busy", "p99Micros");
        positive(json, "w2", "busy", "p999Micros");
        positive(json, "w2", "default", "p99Micros");
        positive(json, "baselines", "python-seed", "tasksPerSec", "median");
        positive(json, "baselines", "python-seed-100", "tasksPerSec", "median");
        positive(json, "baselines", "python-tuned", "tasksPerSec", "median");
        positive(json, "baselines", "chronicle-raw", "tasksPerSec", "median");
        positive(json, "baselines", "chronicle-raw", "p99Micros");
        assertEquals(50_000.0, number(json, "baselines", "chronicle-raw-min", "count"));
        positive(json, "baselines", "chronicle-raw-min", "tasksPerSec", "median");
        assertTrue(at(json, "ratios", "w1OverChronicleRawMin", "met").isBoolean());
        positive(json, "ratios", "w1OverChronicleRawMin", "value");
        assertTrue(at(json, "w1Large", "verified").booleanValue());
        assertEquals(100_000.0, number(json, "w1Large", "count"), "W1 large scaled down in --quick");
        positive(json, "w1Large", "tasksPerSec", "median");
        positive(json, "w1Large", "producerPutsPerSec", "median");
        assertEquals(100_000.0, number(json, "baselines", "chronicle-raw-min-large", "count"));
        positive(json, "baselines", "chronicle-raw-min-large", "tasksPerSec", "median");
        assertTrue(at(json, "ratios", "w1LargeOverChronicleRawMinLarge", "met").isBoolean());
        positive(json, "ratios", "w1LargeOverChronicleRawMinLarge", "value");
        assertTrue(at(json, "w1Batch", "verified").booleanValue());
        assertEquals(50_000.0, number(json, "w1Batch", "count"), "W1 batch has W1's count");
        assertEquals(3.0, number(json, "w1Batch", "consumers"));
        assertEquals(64.0, number(json, "w1Batch", "perPut"), "producer.batch's default");
        positive(json, "w1Batch", "tasksPerSec", "median");
        positive(json, "w1Batch", "producerPutsPerSec", "median");
        assertTrue(!at(json, "w1").has("perPut"), "W1 puts one task per put");
        assertTrue(!at(json, "w1Large").has("perPut"), "W1 large puts one task per put");
        assertTrue(at(json, "ratios", "w1BatchOverPythonSeed100", "met").isBoolean());
        assertTrue(at(json, "w1BatchWarm", "verified").booleanValue());
        assertEquals(10_000.0, number(json, "w1BatchWarm", "warmUp"), "W1 batch warm has W1 warm's warm-up");
        assertEquals(64.0, number(json, "w1BatchWarm", "perPut"));
        positive(json, "w1BatchWarm", "tasksPerSec", "median");
        positive(json, "ratios", "w1BatchWarmOverPythonSeed100", "value");
        positive(json, "ratios", "w1BatchOverPythonSeed100", "value");
        assertEquals(">= 2.40", at(json, "ratios", "w1BatchOverPythonSeed100", "target").textValue());
        assertTrue(stderr.contains("W1 batch run 1"), "W1 batch runs in the round:\n" + stderr);
        assertTrue(at(json, "w2", "busy", "pauser").isTextual());
        assertTrue(at(json, "w2", "busy", "pauser").textValue().startsWith("busy (BusyPauser"),
                "the busy consumer really spins: " + at(json, "w2", "busy", "pauser"));
        assertTrue(at(json, "ratios", "w1OverPythonSeed", "met").isBoolean());

        for (String file : new String[]{"w2-busy.hgrm", "w2-default.hgrm", "chronicle-raw-latency.hgrm",
                "w2-latency.svg", "latest.txt", "latest.json"})
            assertTrue(Files.size(results.resolve(file)) > 0, file + " written");
        String latest = Files.readString(results.resolve("latest.json")).strip();
        assertEquals(stdout.strip(), latest, "latest.json is what --json printed");
        assertEquals(latest, BenchJson.write(BenchJson.read(latest, BenchReport.class)),
                "latest.json reads back as a BenchReport that writes the same JSON");
        assertTrue(Files.readString(results.resolve("w2-latency.svg")).contains("<polyline"), "the plot has curves");
        assertTrue(Files.readString(results.resolve("w2-busy.hgrm")).contains("#[Max"),
                "an HdrHistogram percentile log");
        assertTrue(!Files.exists(results.resolve("runs")), "run data is removed after verifying");
        String table = Files.readString(results.resolve("latest.txt"));
        for (String row : new String[]{"chronicle-raw-min: the same, a raw 20-byte excerpt per task",
                "W1 TaskQ: 1 task/put, 3 consumers, results + join (n=50,000)",
                "W1 warm: 1 task/put, after 10,000 untimed tasks in the same JVMs",
                "W1 large: W1 cold, 1 task/put, n=100,000", "chronicle-raw-min large: chronicle-raw-min, n=100,000",
                "W1 batch: W1 cold, 64 tasks per putAll (n=50,000)", "W1 / chronicle-raw-min throughput",
                "W1 large / chronicle-raw-min large", "W1 batch / python-seed-100"})
            assertTrue(table.contains(row), row + " in\n" + table);
    }

    @Test
    void unknownWorkloadIsAUsageErrorNamingIt(@TempDir Path results) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[]{"w3", "--results", results.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        String message = err.toString(StandardCharsets.UTF_8).strip();
        assertTrue(message.startsWith("taskq bench: expected one of w1, w2, w1-large, w1-batch, all, kafka, got w3"),
                message);
        assertEquals(1, message.lines().count(), message);
    }

    private static void positive(JsonNode json, String... path) {
        double v = number(json, path);
        assertTrue(v > 0, String.join(".", path) + " = " + v);
    }

    private static double number(JsonNode json, String... path) {
        JsonNode v = at(json, path);
        assertTrue(v.isNumber(), String.join(".", path) + " is a number: " + v);
        return v.doubleValue();
    }

    private static JsonNode at(JsonNode json, String... path) {
        JsonNode o = json;
        for (String key : path) {
            assertTrue(o.isObject(), "no object at " + key + " in " + String.join(".", path));
            assertTrue(o.has(key), "missing " + String.join(".", path));
            o = o.get(key);
        }
        return o;
    }
}
