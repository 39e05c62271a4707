package io.taskq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code status --json} and {@code doctor --json} keep the field names, their order and the number formats that
 * scripts read, on a data directory that a real produce and consume wrote (through the commands, in this JVM).
 */
@Timeout(120)
class JsonReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> STATUS_FIELDS = List.of("schemaVersion", "dataDir", "slotsMax", "submitted", "claimed",
            "done", "dead", "retrying", "failures", "backlog", "watermark", "sealed", "sealedCount", "allDone",
            "sumValue", "sumPayload", "tasksPerSec", "slots");
    static final List<String> SLOT_FIELDS = List.of("index", "pid", "alive", "state", "done", "dead", "retrying",
            "failures", "sumValue", "sumPayload", "lastSeq", "inFlight", "orphaned", "frozen", "takenOver",
            "restarts", "adopted", "attempts", "repeats", "heartbeatAgeMillis", "tasksPerSec", "latencyP50Micros",
            "latencyP99Micros", "latencyMaxMicros");
    static final List<String> DOCTOR_FIELDS = List.of("dataDir", "verdict", "problems", "files", "leaseMillis",
            "queueLocks", "pendingClaims", "status");

    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void produceAndConsume() {
        data = tmp.resolve("data");
        // 30,001 tasks: sumPayload = 225,007,500 * 2, whole, and large enough that Java would print it as 4.50015E8.
        CommandRun produce = CommandRun.of("produce", "--count", "30001", "--seal", "--data-dir", data.toString());
        assertEquals(0, produce.exitCode(), produce::toString);
        CommandRun consume = CommandRun.of("consume", "--index", "1", "--exit-on-eos", "--data-dir", data.toString());
        assertEquals(0, consume.exitCode(), consume::toString);
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String oneLine(String... args) {
        CommandRun run = CommandRun.of(args);
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(1, run.out().lines().count(), () -> "one line of JSON\n" + run);
        return run.out().strip();
    }

    @Test
    void shouldWriteTheStatusFieldsInTodaysOrder() throws IOException {
        String line = oneLine("status", "--json", "--data-dir", data.toString());
        JsonNode status = JSON.readTree(line);
        assertEquals(STATUS_FIELDS, names(status), line);
        assertEquals(1, status.get("slots").size(), line);
        assertEquals(SLOT_FIELDS, names(status.get("slots").get(0)), line);
        assertEquals(30001, status.get("done").asLong(), line);
        assertEquals(1, status.get("slots").get(0).get("index").asInt(), line);
        assertEquals("EXITED", status.get("slots").get(0).get("state").asText(), line);
        for (String none : List.of("dead", "retrying", "failures"))
            assertEquals(0, status.get(none).asLong(), () -> "no handler failed: " + none + " is 0; " + line);
        for (String none : List.of("dead", "retrying", "failures", "repeats"))
            assertEquals(0, status.get("slots").get(0).get(none).asLong(), () -> "slot " + none + " is 0; " + line);
        assertEquals(30001, status.get("slots").get(0).get("attempts").asLong(), line);
    }

    @Test
    void shouldWriteWholeDoublesWithOneDecimalAndCountsAsIntegers() {
        String line = oneLine("status", "--json", "--data-dir", data.toString());
        assertTrue(line.contains("\"sumValue\":15015001,\"sumPayload\":450015000.0,"), line);
        assertTrue(line.contains("\"schemaVersion\":"), line);
        assertTrue(Pattern.compile("\"latencyP50Micros\":(\\d+\\.\\d+|\\d\\.\\d+E\\d+),").matcher(line).find(), line);
        assertTrue(line.contains("\"sealed\":true,\"sealedCount\":30001,\"allDone\":true,"), line);
        assertTrue(line.startsWith("{\"schemaVersion\":"), line);
    }

    @Test
    void shouldWriteTheDoctorFieldsInTodaysOrderWithTheStatusNested() throws IOException {
        String line = oneLine("doctor", "--json", "--data-dir", data.toString());
        JsonNode report = JSON.readTree(line);
        assertEquals(DOCTOR_FIELDS, names(report), line);
        assertEquals("healthy", report.get("verdict").asText(), line);
        assertEquals(List.of("path", "directory", "bytes"), names(report.get("files").get(0)), line);
        assertEquals(List.of("key", "held", "pid", "alive"), names(report.get("queueLocks").get(0)), line);
        assertEquals(STATUS_FIELDS, names(report.get("status")), line);
        assertEquals(SLOT_FIELDS, names(report.get("status").get("slots").get(0)), line);
    }
}
