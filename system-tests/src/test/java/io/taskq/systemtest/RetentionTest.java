package io.taskq.systemtest;

import io.taskq.workload.Workload;
import io.taskq.common.store.DataDirectory;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queue retention across real processes: with {@code queue.keep-cycles=2}, a producer and two consumers delete old
 * roll-cycle files while the stream runs, and the consumers still handle every task exactly once. The test creates
 * the queue with Chronicle's one-second test roll cycle first; every process then keeps it (a queue keeps the roll
 * cycle it was created with), so a 7-second stream spans 7 or more files.
 */
class RetentionTest extends ProcessTest {

    @Test
    @Timeout(300)
    void shouldDeleteOldCycleFilesWhileConsumersStillHandleEveryTaskExactlyOnce() throws Exception {
        int n = 70_000;
        Path data = tmp.resolve("data");
        Path tasks = data.resolve(DataDirectory.TASKS);
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(tasks.toFile())
                .rollCycle(TestRollCycles.TEST_SECONDLY).build()) {
            assertEquals(TestRollCycles.TEST_SECONDLY, q.rollCycle());
        }
        Map<String, String> env = Map.of("TASKQ_QUEUE_KEEP_CYCLES", "2");
        List<TaskqProcess> consumers = startConsumers(data, 2, env);

        // 10,000 tasks a second for 7 seconds: 7 or more one-second files.
        TaskqProcess producer = taskq.start("producer", env, "produce", "--count", String.valueOf(n), "--rate", "10000",
                "--seal", "--data-dir", data.toString());
        // Note every file that appears while the stream runs (the poll samples every 50 ms or so), so the test knows
        // what was deleted.
        List<String> seen = new ArrayList<>();
        Poll.until(Duration.ofSeconds(120), "the producer to exit", () -> {
            for (String f : cycleFiles(tasks))
                if (!seen.contains(f))
                    seen.add(f);
            return !producer.isAlive();
        });
        assertEquals(0, producer.awaitExit(Duration.ofSeconds(10)), producer::describe);
        for (TaskqProcess c : consumers)
            assertEquals(0, c.awaitExit(Duration.ofSeconds(120)), c::describe);

        List<String> left = cycleFiles(tasks);
        for (String f : left)
            if (!seen.contains(f))
                seen.add(f);
        String files = "files seen while running: " + seen + "; left: " + left;
        System.out.println("retention: " + files);
        assertTrue(seen.size() >= 6, files);
        assertTrue(left.size() < seen.size() - 2, "old files were deleted: " + files);
        assertEquals(seen.subList(seen.size() - left.size(), seen.size()), left, "the newest files stay: " + files);
        String logs = producer.stderr() + consumers.get(0).stderr() + consumers.get(1).stderr();
        assertTrue(logs.contains("Retention (queue.keep-cycles=2): deleted"), "a process logged its deletions");

        // What is left starts past seq 0 and ends with the whole stream's end; the totals are exact.
        QueueContents queue = QueueContents.read(tasks);
        assertTrue(queue.seqs().length > 0 && queue.seqs()[0] > 0, () -> "the first files are gone; first seq left: "
                + (queue.seqs().length > 0 ? queue.seqs()[0] : -1));
        assertEquals(n - 1, queue.seqs()[queue.seqs().length - 1]);
        assertEquals(List.of((long) n), queue.endOfStream());
        StatusAssertions.assertAllDoneExactlyOnce(taskq.status(data), n, Workload.expectedSumValue(n),
                Workload.expectedSumPayload(n));
        TaskqProcess tail = taskq.runOk("tail", "tail", "-m", "1", "--data-dir", data.toString());
        assertTrue(tail.stdout().contains("endOfStream"), tail::describe);
        // A producer starting on the pruned queue repairs from what is left: the stream stays sealed at n.
        TaskqProcess again = taskq.run("sealer", env, "produce", "--count", "0", "--seal",
                "--data-dir", data.toString());
        assertEquals(0, again.exitCode(), again::describe);
        assertTrue(again.stdout().contains(String.format("stream sealed at %,d tasks", n)), again::describe);
    }

    private static List<String> cycleFiles(Path tasks) throws IOException {
        if (!Files.isDirectory(tasks))
            return List.of();
        try (Stream<Path> files = Files.list(tasks)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".cq4")).sorted().toList();
        }
    }
}
