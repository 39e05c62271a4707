package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskq.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Producers and consumers as separate JVMs started through {@code bin/taskq}, sharing one data directory: every
 * task is handled exactly once, and the totals match the closed form.
 */
class ExactlyOnceAcrossProcessesTest extends ProcessTest {
    /** JVM start-up of several processes at once on a loaded 2-core machine. */
    private static final Duration STARTUP = Duration.ofSeconds(90);

    @Test
    @Timeout(300)
    void shouldHandleEveryTaskExactlyOnceWithOneProducerAndThreeConsumers() throws Exception {
        int n = 200_000;
        Path data = tmp.resolve("data");
        List<TaskqProcess> consumers = startConsumers(data, 3, Map.of());

        TaskqProcess producer = taskq.start("producer", "produce", "--count", String.valueOf(n), "--seal", "--join",
                "--timeout", "120s", "--data-dir", data.toString());
        assertEquals(0, producer.awaitExit(Duration.ofSeconds(180)), producer::describe);
        assertTrue(producer.stdout().contains("stream sealed at 200,000 tasks"), producer::describe);
        assertTrue(producer.stdout().contains("join: all tasks done"), producer::describe);
        for (TaskqProcess c : consumers)
            assertEquals(0, c.awaitExit(Duration.ofSeconds(60)), c::describe);

        JsonNode status = taskq.status(data);
        StatusAssertions.assertAllDoneExactlyOnce(status, n, Workload.expectedSumValue(n),
                Workload.expectedSumPayload(n));
        assertEquals(3, status.get("slots").size(), () -> "three slots used: " + status.toPrettyString());
        Set<Long> pids = new HashSet<>();
        for (int k = 0; k < 3; k++) {
            JsonNode slot = StatusAssertions.slot(status, k);
            assertEquals("EXITED", slot.get("state").asText(), "slot " + k + ": " + slot);
            assertFalse(slot.get("alive").asBoolean(), "slot " + k + ": " + slot);
            long pid = slot.get("pid").asLong();
            assertEquals(consumers.get(k).pid(), pid, "slot " + k + " was owned by consumer-" + k + "'s JVM: " + slot);
            assertNotEquals(ProcessHandle.current().pid(), pid,
                    "slot " + k + " was owned by another process than the test JVM");
            pids.add(pid);
            System.out.printf("slot %d: pid %d handled %,d tasks%n", k, pid, slot.get("done").asLong());
        }
        assertEquals(3, pids.size(), () -> "three different consumer pids: " + pids);
    }

    @Test
    @Timeout(300)
    void shouldGiveDenseSeqsInQueueOrderAndHandleEachOnceWithTwoProducersAtOnce() throws Exception {
        int perProducer = 100_000;
        int n = 2 * perProducer;
        Path data = tmp.resolve("data");
        TaskqProcess c0 = taskq.start("consumer-0", "consume", "--index", "0", "--exit-on-eos",
                "--data-dir", data.toString());
        TaskqProcess c1 = taskq.start("consumer-1", "consume", "--index", "1", "--exit-on-eos",
                "--data-dir", data.toString());
        try (ProgressProbe probe = ProgressProbe.open(data, STARTUP)) {
            probe.await(STARTUP, "two consumers to take their slots", p -> p.slots().size() == 2, c0, c1);
        }

        // Paced to 10,000 tasks/s (10 s each), so that the two runs overlap even if one JVM starts several seconds
        // after the other, as happens on a loaded 2-core machine; unpaced, 100,000 puts can finish before the second
        // JVM is up.
        TaskqProcess a = taskq.start("producer-a", "produce", "--count", String.valueOf(perProducer), "--rate", "10000",
                "--data-dir", data.toString());
        TaskqProcess b = taskq.start("producer-b", "produce", "--count", String.valueOf(perProducer), "--rate", "10000",
                "--data-dir", data.toString());
        assertEquals(0, a.awaitExit(Duration.ofSeconds(120)), a::describe);
        assertEquals(0, b.awaitExit(Duration.ofSeconds(120)), b::describe);
        TaskqProcess sealer = taskq.runOk("sealer", "produce", "--count", "0", "--seal", "--data-dir", data.toString());
        assertTrue(sealer.stdout().contains("stream sealed at 200,000 tasks"), sealer::describe);
        assertEquals(0, c0.awaitExit(Duration.ofSeconds(60)), c0::describe);
        assertEquals(0, c1.awaitExit(Duration.ofSeconds(60)), c1::describe);

        JsonNode status = taskq.status(data);
        StatusAssertions.assertAllDoneExactlyOnce(status, n, 2 * Workload.expectedSumValue(perProducer),
                2 * Workload.expectedSumPayload(perProducer));

        QueueContents queue = QueueContents.read(data.resolve("tasks"));
        assertEquals(n, queue.seqs().length, "task excerpts in the queue");
        for (int i = 0; i < n; i++)
            if (queue.seqs()[i] != i)
                throw new AssertionError("the task at queue position " + i + " has seq " + queue.seqs()[i]
                        + ", expected " + i + ": seqs must be 0.." + (n - 1) + ", each once, in queue order");
        assertEquals(List.of((long) n), queue.endOfStream(), "one end-of-stream excerpt, saying " + n + " tasks");
        assertEquals(List.of(n), queue.tasksBeforeEndOfStream(), "end of stream is the last excerpt");

        // One producer alone writes value = i % 1000 in order; a value that does not follow its predecessor is where
        // the queue switches from one producer's puts to the other's.
        int switches = 0;
        for (int i = 1; i < n; i++)
            if (queue.values()[i] != (queue.values()[i - 1] + 1) % 1000)
                switches++;
        System.out.printf("two producers: the queue switches between them %,d times%n", switches);
        assertTrue(switches > 0, "the two producers' puts interleave in the queue (else they did not run at once)");
    }
}
