package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskq.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Producer chaos: producers killed with SIGKILL in the middle of a stream, five times, each followed by a new
 * producer, while two consumers run. The seqs in the queue stay dense and in queue order, each producer's tasks are
 * an unbroken prefix of its own synthetic sequence, and the slots count exactly what was accepted.
 */
class ProducerChaosTest extends ProcessTest {
    private static final int KILLS = 5;
    /** More than a producer can put before it is killed, so every kill lands mid-stream. */
    private static final String UNREACHABLE_COUNT = "50000000";
    private static final int FINAL_COUNT = 100_000;
    private static final Duration STARTUP = Duration.ofSeconds(90);

    @Test
    @Timeout(400)
    void shouldKeepSeqsDenseAndTotalsExactWhenProducersAreKilledMidStream() throws Exception {
        Path data = tmp.resolve("data");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("producer chaos: random seed " + seed);
        TaskqProcess c0 = taskq.start("consumer-0", "consume", "--index", "0", "--exit-on-eos",
                "--data-dir", data.toString());
        TaskqProcess c1 = taskq.start("consumer-1", "consume", "--index", "1", "--exit-on-eos",
                "--data-dir", data.toString());

        List<Long> submittedAfterKill = new ArrayList<>();
        try (ProgressProbe probe = ProgressProbe.open(data, STARTUP)) {
            probe.await(STARTUP, "two consumers to take their slots", p -> p.slots().size() == 2, c0, c1);
            for (int k = 0; k < KILLS; k++) {
                long before = probe.read().submitted();
                TaskqProcess producer = taskq.start("producer", "produce", "--count", UNREACHABLE_COUNT,
                        "--data-dir", data.toString());
                probe.await(STARTUP, "producer " + k + " to put 50,000 tasks", p -> p.submitted() >= before + 50_000,
                        producer, c0, c1);
                TimeUnit.MILLISECONDS.sleep(random.nextInt(200)); // a random moment mid-stream, not a sync
                producer.kill();
                assertEquals(137, producer.awaitExit(Duration.ofSeconds(30)), producer::describe);
                submittedAfterKill.add(probe.read().submitted());
            }
        }
        taskq.runOk("producer-final", "produce", "--count", String.valueOf(FINAL_COUNT), "--seal",
                "--data-dir", data.toString());
        assertEquals(0, c0.awaitExit(Duration.ofSeconds(180)), c0::describe);
        assertEquals(0, c1.awaitExit(Duration.ofSeconds(180)), c1::describe);

        QueueContents queue = QueueContents.read(data.resolve("tasks"));
        int n = queue.seqs().length;
        for (int i = 0; i < n; i++)
            assertEquals(i, queue.seqs()[i], "seqs are dense and in queue order at position " + i);
        // Each producer run numbers its tasks from 0: split the queue where payload restarts at 0.
        List<Integer> runs = new ArrayList<>();
        int runStart = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || queue.payloads()[i] == 0.0) {
                runs.add(i - runStart);
                runStart = i;
            }
        }
        runStart = 0;
        long expectedSumValue = 0;
        double expectedSumPayload = 0;
        for (int length : runs) {
            for (int j = 0; j < length; j++) {
                int at = runStart + j;
                assertEquals(Workload.value(j), queue.values()[at], "value of task " + j + " of a run, at seq " + at);
                assertEquals(Workload.payload(j), queue.payloads()[at],
                        "payload of task " + j + " of a run, at seq " + at);
            }
            expectedSumValue += Workload.expectedSumValue(length);
            expectedSumPayload += Workload.expectedSumPayload(length);
            runStart += length;
        }
        assertEquals(KILLS + 1, runs.size(), "one unbroken run per producer: " + runs);
        assertEquals(FINAL_COUNT, runs.get(runs.size() - 1), "the last producer was not killed: " + runs);

        JsonNode status = taskq.status(data);
        StatusAssertions.assertAllDoneExactlyOnce(status, n, expectedSumValue, expectedSumPayload);
        System.out.printf("producer chaos: %d producers killed with SIGKILL, submitted seen after each kill %s; "
                        + "tasks accepted per producer %s; %,d seqs dense; "
                        + "done %,d, sums exact for what was accepted%n",
                KILLS, submittedAfterKill, runs, n, status.get("done").asLong());
        assertTrue(n > KILLS * 50_000, "every killed producer put at least 50,000 tasks: " + runs);
    }
}
