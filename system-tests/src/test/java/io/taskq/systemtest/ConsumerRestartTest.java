package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskq.workload.Workload;
import io.taskq.common.store.Progress;
import io.taskq.common.store.SlotSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer stopped in the middle of a run, gracefully (SIGTERM) or not (SIGKILL), and started again with the same
 * index: nothing is lost and nothing is counted twice.
 */
class ConsumerRestartTest extends ProcessTest {
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final int TASKS = 100_000;
    /** 100,000 tasks at 20,000 tasks/s: the producer runs for 5 s, so a stop lands while tasks still arrive. */
    private static final String RATE = "20000";

    @Test
    @Timeout(300)
    void shouldLoseAndRepeatNothingWhenAConsumerIsStoppedWithSigtermAndRestartedWithTheSameIndex() throws Exception {
        Path data = tmp.resolve("data");
        Run run = startRun(data);

        run.consumer0.terminate();
        int code = run.consumer0.awaitExit(Duration.ofSeconds(60));
        assertTrue(code == 0 || code == 143,
                () -> "a consumer stopped by SIGTERM exits 0 or 143\n" + run.consumer0.describe());
        JsonNode stopped = StatusAssertions.slot(taskq.status(data), 0);
        assertEquals("EXITED", stopped.get("state").asText(), () -> "slot 0 after SIGTERM: " + stopped);
        assertFalse(stopped.get("alive").asBoolean(), () -> "slot 0 after SIGTERM: " + stopped);
        assertEquals(run.consumer0.pid(), stopped.get("pid").asLong(), () -> "slot 0 after SIGTERM: " + stopped);
        assertEquals(0, stopped.get("inFlight").asLong(),
                () -> "a graceful stop finishes the claimed batch, so nothing is left in flight: " + stopped);

        finishAndVerify(data, run, "SIGTERM");
    }

    @Test
    @Timeout(300)
    void shouldLoseAndRepeatNothingWhenAConsumerIsKilledWithSigkillAndRestartedWithTheSameIndex() throws Exception {
        Path data = tmp.resolve("data");
        Run run = startRun(data);

        run.consumer0.kill();
        assertEquals(137, run.consumer0.awaitExit(Duration.ofSeconds(60)),
                () -> "128 + SIGKILL\n" + run.consumer0.describe());
        JsonNode killed = StatusAssertions.slot(taskq.status(data), 0);
        assertFalse(killed.get("alive").asBoolean(), () -> "slot 0 after SIGKILL: " + killed);
        assertTrue(List.of("IDLE", "RUNNING").contains(killed.get("state").asText()),
                () -> "a killed consumer cannot mark its slot EXITED: " + killed);
        System.out.println("slot 0 after SIGKILL: " + killed);

        finishAndVerify(data, run, "SIGKILL");
    }

    /** Consumers 0 and 1 and a paced producer, returned once consumer 0 has handled some tasks. */
    private Run startRun(Path data) throws Exception {
        TaskqProcess c0 = taskq.start("consumer-0", "consume", "--index", "0", "--exit-on-eos",
                "--data-dir", data.toString());
        TaskqProcess c1 = taskq.start("consumer-1", "consume", "--index", "1", "--exit-on-eos",
                "--data-dir", data.toString());
        try (ProgressProbe probe = ProgressProbe.open(data, STARTUP)) {
            probe.await(STARTUP, "two consumers to take their slots", p -> p.slots().size() == 2, c0, c1);
            TaskqProcess producer = taskq.start("producer", "produce", "--count", String.valueOf(TASKS), "--rate", RATE,
                    "--seal", "--data-dir", data.toString());
            Progress p = probe.await(STARTUP, "consumer 0 to handle some tasks", q -> doneBy(q, 0) > 0,
                    c0, c1, producer);
            assertTrue(c0.isAlive(), () -> "consumer 0 runs when it is stopped\n" + c0.describe());
            assertFalse(p.sealed(), () -> "consumer 0 is stopped while the producer still produces: "
                    + ProgressProbe.describe(p));
            System.out.println("stopping consumer 0 at: " + ProgressProbe.describe(p));
            return new Run(c0, c1, producer);
        }
    }

    /** Restarts index 0, lets everything finish and checks the totals; prints the restarts slot 0 recorded. */
    private void finishAndVerify(Path data, Run run, String how) throws Exception {
        TaskqProcess restarted = taskq.start("consumer-0-restarted", "consume", "--index", "0", "--exit-on-eos",
                "--data-dir", data.toString());
        assertEquals(0, run.producer.awaitExit(Duration.ofSeconds(120)), run.producer::describe);
        assertEquals(0, restarted.awaitExit(Duration.ofSeconds(120)), restarted::describe);
        assertEquals(0, run.consumer1.awaitExit(Duration.ofSeconds(120)), run.consumer1::describe);

        JsonNode status = taskq.status(data);
        StatusAssertions.assertAllDoneExactlyOnce(status, TASKS, Workload.expectedSumValue(TASKS),
                Workload.expectedSumPayload(TASKS));
        assertEquals(status.get("submitted").asLong(), status.get("done").asLong(), "done == submitted");
        assertEquals(2, status.get("slots").size(), () -> "two slots used: " + status.toPrettyString());
        JsonNode slot0 = StatusAssertions.slot(status, 0);
        JsonNode slot1 = StatusAssertions.slot(status, 1);
        assertEquals(restarted.pid(), slot0.get("pid").asLong(),
                () -> "slot 0 is owned by the restarted consumer: " + slot0);
        assertEquals("EXITED", slot0.get("state").asText(), slot0::toString);
        assertEquals(run.consumer1.pid(), slot1.get("pid").asLong(), slot1::toString);
        assertEquals("EXITED", slot1.get("state").asText(), slot1::toString);
        System.out.printf("%s: slot 0 recorded %d restart(s); slot 0 handled %,d tasks, slot 1 %,d%n", how,
                slot0.get("restarts").asLong(), slot0.get("done").asLong(), slot1.get("done").asLong());
    }

    private static long doneBy(Progress p, int index) {
        for (SlotSnapshot s : p.slots())
            if (s.index() == index)
                return s.figures().done;
        return 0;
    }

    private record Run(TaskqProcess consumer0, TaskqProcess consumer1, TaskqProcess producer) {
    }
}
