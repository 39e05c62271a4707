package io.taskq.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskq.bench.BenchReport.Baselines;
import io.taskq.bench.BenchReport.ThroughputEntry;
import io.taskq.bench.BenchReport.W1Entry;
import io.taskq.bench.Workloads.Throughput;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BenchReport} against what {@code taskq bench all|w1|w2 --quick --json} printed before the report was typed
 * (the {@code report-*.json} files): the same keys, nesting, layout and numbers. Each {@code report-*.txt} is the
 * table that the harness of that time made from those JSON values (the figures there have 3 decimals, so a ratio
 * can round differently from the table printed with the run). {@code report-w1-poison-quick} is a later
 * {@code bench w1 --quick} with the poison variants; the older files, which have none, still read and print.
 * {@code report-w1-min-quick} ({@code bench w1 --quick} with chronicle-raw-min and the results-log variants) and
 * {@code report-w1-large-quick} ({@code bench w1-large --quick}) came later still, and
 * {@code report-w1-batch-quick} ({@code bench w1-batch --quick}: W1 batch with python-seed-100 alone) after it.
 */
class BenchReportTest {
    private static final String[] REPORTS = {"report-all-quick", "report-w1-quick", "report-w2-quick",
        "report-w1-poison-quick", "report-w1-min-quick", "report-w1-large-quick", "report-w1-batch-quick"};

    @Test
    void readsTheJsonOfEveryWorkloadSelectionAndWritesItBackUnchanged() throws IOException {
        for (String name : REPORTS) {
            String json = resource(name + ".json").strip();
            assertEquals(json, BenchJson.write(BenchJson.read(json, BenchReport.class)), name);
        }
    }

    @Test
    void printsTheTableThatWasPrintedWithTheJson() throws IOException {
        for (String name : REPORTS) {
            BenchReport report = BenchJson.read(resource(name + ".json"), BenchReport.class);
            assertEquals(resource(name + ".txt"), Report.table(report), name);
        }
    }

    @Test
    void ratiosFollowFromTheMediansInTheReport() throws IOException {
        for (String name : REPORTS) {
            BenchReport report = BenchJson.read(resource(name + ".json"), BenchReport.class);
            assertEquals(BenchJson.write(report.ratios()),
                    BenchJson.write(Report.ratios(report.w1(), report.w1Warm(), report.w1Large(), report.w1Batch(),
                            report.w1BatchWarm(), report.w2(), report.baselines())),
                    name);
        }
    }

    @Test
    void chronicleRawHoldsOnlyThePartsThatWereMeasured() throws IOException {
        BenchReport w1 = BenchJson.read(resource("report-w1-quick.json"), BenchReport.class);
        assertNull(w1.baselines().chronicleRaw().latency());
        assertTrue(w1.baselines().chronicleRaw().tasksPerSec().median() > 0);
        BenchReport w2 = BenchJson.read(resource("report-w2-quick.json"), BenchReport.class);
        assertNull(w2.baselines().chronicleRaw().tasksPerSec());
        assertTrue(w2.baselines().chronicleRaw().latency().p99Micros() > 0);
    }

    @Test
    void poisonVariantsAreThereOnlyWhereTheyRan() throws IOException {
        BenchReport poison = BenchJson.read(resource("report-w1-poison-quick.json"), BenchReport.class);
        assertEquals(50, poison.w1Poison().poison());
        assertEquals("100ms", poison.w1Poison().retryBackoff());
        assertEquals("0s", poison.w1PoisonNoBackoff().retryBackoff());
        assertEquals(poison.w1Poison().tasksPerSec().median() / poison.w1().tasksPerSec().median(),
                poison.w1Poison().overW1Cold(), 0.0005, "the ratio is median over median");
        assertTrue(Report.table(poison).contains("W1 poison, no backoff: the same, consumer.retry-backoff=0s"));
        BenchReport before = BenchJson.read(resource("report-all-quick.json"), BenchReport.class);
        assertNull(before.w1Poison());
        assertNull(before.w1PoisonNoBackoff());
        assertFalse(Report.table(before).contains("poison"));
    }

    @Test
    void chronicleRawMinAndW1LargeHaveTheirRowsRatiosAndJsonKeys() throws IOException {
        BenchReport w1 = BenchJson.read(resource("report-w1-quick.json"), BenchReport.class);
        Baselines before = w1.baselines();
        // 50,000 tasks in 25 ms: 2,000,000 tasks/s; W1 large 500,000 tasks/s against 1,000,000.
        ThroughputEntry rawMin = ThroughputEntry.of(List.of(new Throughput(50_000, 25_000_000)), 50_000, 0);
        W1Entry large = W1Entry.of(List.of(new Throughput(100_000, 200_000_000, 160_000_000,
                List.of(34_000L, 33_000L, 33_000L), 0)), 100_000, 0, 3);
        ThroughputEntry rawMinLarge = ThroughputEntry.of(List.of(new Throughput(100_000, 100_000_000)), 100_000, 0);
        Baselines baselines = new Baselines(before.pythonSeed(), before.pythonTuned(), before.pythonSeed100(),
                before.chronicleRaw(), before.chronicleRawWarm(), rawMin, rawMinLarge);
        BenchReport report = new BenchReport("all", 1, true, w1.date(), w1.machine(), w1.seconds(), w1.w1(),
                w1.w1Warm(), null, null, null, baselines,
                Report.ratios(w1.w1(), w1.w1Warm(), large, null, null, null, baselines), null, null, large, null, null);

        assertEquals(w1.w1().tasksPerSec().median() / 2_000_000, report.ratios().w1OverChronicleRawMin().value(),
                1e-12);
        assertEquals(0.5, report.ratios().w1LargeOverChronicleRawMinLarge().value(), 1e-12);
        assertFalse(report.ratios().w1LargeOverChronicleRawMinLarge().met());
        String table = Report.table(report);
        for (String expected : new String[]{
                "chronicle-raw: 1 producer, 1 consumer, plain ack                           15,681   "
                        + "[15,681 - 15,681]\nchronicle-raw-min: the same, a raw 20-byte excerpt per task"
                        + "             2,000,000",
                "W1 large: W1 cold, 1 task/put, n=100,000                                  500,000",
                "  (the producer's puts alone, first to last put)                          625,000",
                "chronicle-raw-min large: chronicle-raw-min, n=100,000                   1,000,000",
                "W1 / chronicle-raw throughput                    0.99    >= 0.80  met\n"
                        + "W1 / chronicle-raw-min throughput",
                "W1 large / chronicle-raw-min large               0.50    >= 0.80  NOT met"})
            assertTrue(table.contains(expected), expected + " in\n" + table);

        String json = BenchJson.write(report);
        assertEquals(json, BenchJson.write(BenchJson.read(json, BenchReport.class)), "reads back unchanged");
        JsonNode tree = new ObjectMapper().readTree(json);
        assertEquals(500_000, tree.at("/w1Large/tasksPerSec/median").asDouble());
        assertEquals(2_000_000, tree.at("/baselines/chronicle-raw-min/tasksPerSec/median").asDouble());
        assertEquals(1_000_000, tree.at("/baselines/chronicle-raw-min-large/tasksPerSec/median").asDouble());
        assertTrue(tree.at("/ratios/w1OverChronicleRawMin/met").isBoolean());
        assertEquals(0.5, tree.at("/ratios/w1LargeOverChronicleRawMinLarge/value").asDouble());
        assertTrue(tree.at("/ratios/w1OverChronicleRaw/met").isBoolean(), "the ratio against chronicle-raw stays");
    }

    @Test
    void w1BatchHasItsRowsRatioAndJsonKeysAndSaysOneTaskPerPutElsewhere() throws IOException {
        BenchReport w1 = BenchJson.read(resource("report-w1-quick.json"), BenchReport.class);
        Baselines baselines = w1.baselines();
        double python100 = baselines.pythonSeed100().tasksPerSec().median();
        // 50,000 tasks in 10 ms: 5,000,000 tasks/s, the puts alone in 5 ms: 10,000,000.
        W1Entry batch = W1Entry.of(List.of(new Throughput(50_000, 10_000_000, 5_000_000,
                List.of(17_000L, 17_000L, 16_000L), 0)), 50_000, 0, 3, 64);
        // Warm: 50,000 tasks in 5 ms, 10,000,000 tasks/s; the puts alone in 2 ms, 25,000,000.
        W1Entry batchWarm = W1Entry.of(List.of(new Throughput(50_000, 5_000_000, 2_000_000,
                List.of(17_000L, 17_000L, 16_000L), 0)), 50_000, 10_000, 3, 64);
        BenchReport report = new BenchReport("all", 1, true, w1.date(), w1.machine(), w1.seconds(), w1.w1(),
                w1.w1Warm(), null, null, null, baselines,
                Report.ratios(w1.w1(), w1.w1Warm(), null, batch, batchWarm, null, baselines), null, null, null, batch,
                batchWarm);

        assertEquals(5_000_000 / python100, report.ratios().w1BatchOverPythonSeed100().value(), 1e-12);
        assertEquals(5_000_000 / python100 >= 2.4, report.ratios().w1BatchOverPythonSeed100().met());
        assertEquals(">= 2.40", report.ratios().w1BatchOverPythonSeed100().target());
        assertEquals(10_000_000 / python100, report.ratios().w1BatchWarmOverPythonSeed100().value(), 1e-12);
        assertEquals(">= 2.40", report.ratios().w1BatchWarmOverPythonSeed100().target());
        assertEquals(w1.w1().tasksPerSec().median() / python100, report.ratios().w1OverPythonSeed100().value(),
                1e-12, "W1's own ratio stays");
        String table = Report.table(report);
        for (String expected : new String[]{
                "W1 TaskQ: 1 task/put, 3 consumers, results + join (n=50,000)",
                "W1 warm: 1 task/put, after 10,000 untimed tasks in the same JVMs",
                "W1 batch: W1 cold, 64 tasks per putAll (n=50,000)                       5,000,000   "
                        + "[5,000,000 - 5,000,000]\n"
                        + "  (the producer's puts alone, first to last put)                       10,000,000   "
                        + "[10,000,000 - 10,000,000]\n"
                        + "W1 batch warm: the same after 10,000 untimed tasks                     10,000,000   "
                        + "[10,000,000 - 10,000,000]\n"
                        + "  (the producer's puts alone, first to last put)                       25,000,000",
                "W1 / python-seed-100", "W1 batch / python-seed-100", "W1 batch warm / python-seed-100"})
            assertTrue(table.contains(expected), expected + " in\n" + table);
        assertEquals(1, table.split("python-seed-100: python-seed, 100 tasks per put", -1).length - 1,
                "python-seed-100's row once, with W1's");

        String json = BenchJson.write(report);
        assertEquals(json, BenchJson.write(BenchJson.read(json, BenchReport.class)), "reads back unchanged");
        JsonNode tree = new ObjectMapper().readTree(json);
        assertEquals(5_000_000, tree.at("/w1Batch/tasksPerSec/median").asDouble());
        assertEquals(10_000_000, tree.at("/w1Batch/producerPutsPerSec/median").asDouble());
        assertEquals(64, tree.at("/w1Batch/perPut").asInt());
        assertEquals(50_000, tree.at("/w1Batch/count").asLong());
        assertTrue(tree.at("/w1Batch/verified").asBoolean());
        assertTrue(tree.at("/w1").has("tasksPerSec") && !tree.at("/w1").has("perPut"), "W1: one task per put");
        assertEquals(5_000_000 / python100, tree.at("/ratios/w1BatchOverPythonSeed100/value").asDouble(), 0.0005);
        assertTrue(tree.at("/ratios/w1BatchOverPythonSeed100/met").isBoolean());
        assertEquals(10_000_000, tree.at("/w1BatchWarm/tasksPerSec/median").asDouble());
        assertEquals(10_000, tree.at("/w1BatchWarm/warmUp").asLong());
        assertEquals(64, tree.at("/w1BatchWarm/perPut").asInt());
        assertTrue(tree.at("/ratios/w1BatchWarmOverPythonSeed100/met").isBoolean());
        assertTrue(tree.at("/ratios/w1OverPythonSeed100/met").isBoolean(), "today's keys stay");
    }

    @Test
    void w1BatchAloneShowsItsBaselineRow() throws IOException {
        BenchReport w1 = BenchJson.read(resource("report-w1-quick.json"), BenchReport.class);
        Baselines only100 = new Baselines(null, null, w1.baselines().pythonSeed100(), null, null, null, null);
        W1Entry batch = W1Entry.of(List.of(new Throughput(50_000, 10_000_000, 5_000_000,
                List.of(17_000L, 17_000L, 16_000L), 0)), 50_000, 0, 3, 64);
        BenchReport report = new BenchReport("w1-batch", 1, true, w1.date(), w1.machine(), w1.seconds(), null, null,
                null, null, null, only100, Report.ratios(null, null, null, batch, null, null, only100), null, null,
                null, batch, null);

        assertEquals(List.of(report.ratios().w1BatchOverPythonSeed100()), report.ratios().measured());
        String table = Report.table(report);
        for (String expected : new String[]{"Throughput, tasks/s", "W1 batch: W1 cold, 64 tasks per putAll",
                "python-seed-100: python-seed, 100 tasks per put", "W1 batch / python-seed-100"})
            assertTrue(table.contains(expected), expected + " in\n" + table);
        assertFalse(table.contains("W1 TaskQ"), table);
    }

    @Test
    void aKeyTheReportDoesNotKnowIsAnErrorNotANull() throws IOException {
        String renamed = resource("report-all-quick.json").replace("\"p99Micros\"", "\"p99Us\"");
        assertThrows(JsonProcessingException.class, () -> BenchJson.read(renamed, BenchReport.class));
        String poison = resource("report-w1-poison-quick.json").replace("\"afterLastPutMillis\"", "\"tailMillis\"");
        assertThrows(JsonProcessingException.class, () -> BenchJson.read(poison, BenchReport.class));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = BenchReportTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, name + " is on the test classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
