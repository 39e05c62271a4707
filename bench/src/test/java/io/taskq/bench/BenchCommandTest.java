package io.taskq.bench;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code taskq bench all --quick --json} end to end: real producer, consumer, raw Chronicle and Python processes.
 * It checks that every run verified and that the JSON holds the keys scripts rely on; it never judges speed.
 */
class BenchCommandTest {
    @BeforeAll
    static void asBinTaskqWould() {
        String root = System.getProperty("taskq.project.root");
        assertNotNull(root, "surefire sets taskq.project.root");
        // bin/taskq passes these; JvmLauncher hands them on to every process the harness starts.
        System.setProperty("taskq.home", root);
        System.setProperty("logback.configurationFile", Path.of(root, "config", "logback.xml").toString());
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void quickRunOfAllWorkloadsVerifiesAndPrintsTheDocumentedJsonKeys(@TempDir Path results) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[]{"all", "--quick", "--json", "--results", results.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, stderr);

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(true, at(json, "w1", "verified"));
        assertEquals(50_000.0, at(json, "w1", "count"));
        positive(json, "w1", "tasksPerSec", "median");
        positive(json, "w1", "producerPutsPerSec", "median");
        assertEquals(true, at(json, "w1Warm", "verified"));
        assertEquals(10_000.0, at(json, "w1Warm", "warmUp"));
        positive(json, "w1Warm", "tasksPerSec", "median");
        positive(json, "baselines", "chronicle-raw-warm", "tasksPerSec", "median");
        assertInstanceOf(Boolean.class, at(json, "ratios", "w1WarmOverChronicleRawWarm", "met"));
        positive(json, "w2", "busy", "p50Micros");
        positive(json, "w2", "busy", "p99Micros");
        positive(json, "w2", "busy", "p999Micros");
        positive(json, "w2", "default", "p99Micros");
        positive(json, "baselines", "python-seed", "tasksPerSec", "median");
        positive(json, "baselines", "python-seed-100", "tasksPerSec", "median");
        positive(json, "baselines", "python-tuned", "tasksPerSec", "median");
        positive(json, "baselines", "chronicle-raw", "tasksPerSec", "median");
        positive(json, "baselines", "chronicle-raw", "p99Micros");
        assertTrue(((String) at(json, "w2", "busy", "pauser")).startsWith("busy (BusyPauser"),
                "the busy consumer really spins: " + at(json, "w2", "busy", "pauser"));
        assertInstanceOf(Boolean.class, at(json, "ratios", "w1OverPythonSeed", "met"));

        for (String file : new String[]{"w2-busy.hgrm", "w2-default.hgrm", "chronicle-raw-latency.hgrm", "w2-latency.svg",
                "latest.txt", "latest.json"})
            assertTrue(Files.size(results.resolve(file)) > 0, file + " written");
        assertTrue(Files.readString(results.resolve("w2-latency.svg")).contains("<polyline"), "the plot has curves");
        assertTrue(Files.readString(results.resolve("w2-busy.hgrm")).contains("#[Max"), "an HdrHistogram percentile log");
        assertTrue(!Files.exists(results.resolve("runs")), "run data is removed after verifying");
    }

    @Test
    void unknownWorkloadIsAUsageErrorNamingIt(@TempDir Path results) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[]{"w3", "--results", results.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        String message = err.toString(StandardCharsets.UTF_8).strip();
        assertTrue(message.startsWith("taskq bench: expected one of w1, w2, all, got w3"), message);
        assertEquals(1, message.lines().count(), message);
    }

    private static void positive(Map<String, Object> json, String... path) {
        Object v = at(json, path);
        assertInstanceOf(Double.class, v, String.join(".", path));
        assertTrue((Double) v > 0, String.join(".", path) + " = " + v);
    }

    private static Object at(Map<String, Object> json, String... path) {
        Object o = json;
        for (String key : path) {
            assertInstanceOf(Map.class, o, "no object at " + key + " in " + String.join(".", path));
            assertTrue(((Map<?, ?>) o).containsKey(key), "missing " + String.join(".", path));
            o = ((Map<?, ?>) o).get(key);
        }
        return o;
    }
}
