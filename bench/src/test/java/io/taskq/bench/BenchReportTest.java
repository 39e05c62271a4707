package io.taskq.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

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
 */
class BenchReportTest {
    private static final String[] REPORTS = {"report-all-quick", "report-w1-quick", "report-w2-quick",
        "report-w1-poison-quick"};

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
                    BenchJson.write(Report.ratios(report.w1(), report.w1Warm(), report.w2(), report.baselines())),
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
