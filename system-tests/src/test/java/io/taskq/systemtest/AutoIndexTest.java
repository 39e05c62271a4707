package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskq.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code consume --index auto} across real consumer JVMs: each takes its own slot, the lowest ones free, and gives it
 * back on exit.
 */
class AutoIndexTest extends ProcessTest {
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Pattern SUMMARY = Pattern.compile("^slot (\\d+): handled", Pattern.MULTILINE);

    @Test
    @Timeout(300)
    void consumersStartedWithIndexAutoShouldTakeDistinctSlotsAndReleaseThemOnExit() throws Exception {
        int n = 100_000;
        Path data = tmp.resolve("data");
        List<TaskqProcess> consumers = new ArrayList<>();
        for (int k = 0; k < 3; k++)
            consumers.add(taskq.start("consumer-" + k, "consume", "--index", "auto", "--exit-on-eos",
                    "--data-dir", data.toString()));
        try (ProgressProbe probe = ProgressProbe.open(data, STARTUP)) {
            probe.await(STARTUP, "three auto-index consumers to take their slots", p -> p.slots().size() == 3,
                    consumers.toArray(TaskqProcess[]::new));
        }

        TaskqProcess producer = taskq.start("producer", "produce", "--count", String.valueOf(n), "--seal", "--join",
                "--timeout", "120s", "--data-dir", data.toString());
        assertEquals(0, producer.awaitExit(Duration.ofSeconds(180)), producer::describe);
        Map<Integer, Long> pidBySlot = new HashMap<>();
        for (TaskqProcess c : consumers) {
            assertEquals(0, c.awaitExit(Duration.ofSeconds(60)), c::describe);
            int index = summarySlot(c);
            assertNull(pidBySlot.put(index, c.pid()),
                    () -> "slot " + index + " was taken by two consumers\n" + c.describe());
            assertTrue(c.stderr().contains("Slot " + index + ": taken by --index auto"), c::describe);
        }
        assertEquals(Set.of(0, 1, 2), pidBySlot.keySet(),
                "three consumers on a fresh directory take the lowest three slots");

        JsonNode status = taskq.status(data);
        StatusAssertions.assertAllDoneExactlyOnce(status, n, Workload.expectedSumValue(n),
                Workload.expectedSumPayload(n));
        assertEquals(3, status.get("slots").size(), () -> "three slots used: " + status.toPrettyString());
        for (Map.Entry<Integer, Long> e : pidBySlot.entrySet()) {
            JsonNode slot = StatusAssertions.slot(status, e.getKey());
            assertEquals(e.getValue().longValue(), slot.get("pid").asLong(), "slot " + e.getKey() + ": " + slot);
            assertFalse(slot.get("alive").asBoolean(), "slot " + e.getKey() + " was released: " + slot);
        }

        // Every slot was released on exit, so the next auto-index consumer gets slot 0 again.
        TaskqProcess again = taskq.start("consumer-again", "consume", "--index", "auto", "--exit-on-eos",
                "--data-dir", data.toString());
        assertEquals(0, again.awaitExit(Duration.ofSeconds(120)), again::describe);
        assertEquals(0, summarySlot(again), again::describe);
        assertEquals(again.pid(), StatusAssertions.slot(taskq.status(data), 0).get("pid").asLong());
    }

    private static int summarySlot(TaskqProcess p) {
        Matcher m = SUMMARY.matcher(p.stdout());
        assertTrue(m.find(), p::describe);
        return Integer.parseInt(m.group(1));
    }
}
