package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskq.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code taskq demo}: separate consumer processes, a verified summary, and a fresh start that deletes only demo
 * data.
 */
class DemoTest extends ProcessTest {

    @Test
    @Timeout(300)
    void shouldRunConsumersAsSeparateProcessesAndPrintAVerifiedSummary() throws Exception {
        long n = 100_000;
        Path dir = tmp.resolve("demo");
        for (int run = 0; run < 2; run++) {
            TaskqProcess demo = taskq.start("demo", "demo", "--count", String.valueOf(n), "--consumers", "2",
                    "--data-dir", dir.toString());
            demo.awaitExit(Duration.ofSeconds(240));
            assertEquals(0, demo.exitCode(), demo::describe);
            String out = demo.stdout();
            assertTrue(out.contains("VERIFIED: every task was handled exactly once"), out);
            assertTrue(out.contains("throughput:") && out.contains("latency, put to handled"), out);

            // The second run starts fresh in the same directory: an earlier demo's data is replaced, not added to.
            JsonNode status = taskq.status(dir.resolve("data"));
            assertEquals(n, status.get("submitted").asLong());
            assertEquals(n, status.get("done").asLong());
            assertEquals(Workload.expectedSumValue(n), status.get("sumValue").asLong());
            Set<Long> pids = new HashSet<>();
            for (JsonNode slot : status.get("slots"))
                pids.add(slot.get("pid").asLong());
            assertEquals(2, pids.size(), () -> "two consumer processes: " + status);
            assertFalse(pids.contains(demo.pid()), "consumers are not the demo's own process");
            assertFalse(pids.contains(ProcessHandle.current().pid()));
        }
    }

    @Test
    @Timeout(120)
    void shouldRefuseADirectoryThatHoldsSomethingElse() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("precious"));
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        TaskqProcess demo = taskq.run("demo", "demo", "--count", "10", "--data-dir", dir.toString());
        assertEquals(2, demo.exitCode(), demo::describe);
        assertTrue(demo.stderr().contains("not from an earlier demo"), demo::describe);
        assertEquals("keep me", Files.readString(file));
    }
}
