package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code produce --wait-consumers K}: the producer puts nothing until K live consumers hold a slot, so a job started
 * before its consumers (as {@code docker compose up} does) is spread over all of them.
 */
class WaitConsumersTest extends ProcessTest {

    @Test
    @Timeout(240)
    void shouldPutNothingUntilTwoConsumersHoldASlotThenSpreadTheJobOverBoth() throws Exception {
        Path data = tmp.resolve("data");
        TaskqProcess producer = taskq.start("producer", "produce", "--count", "40000", "--rate", "20000",
                "--wait-consumers", "2", "--seal", "--join", "--verify", "--timeout", "120s",
                "--data-dir", data.toString());

        // The producer creates the data directory, then waits: nothing may be submitted while no consumer runs.
        try (ProgressProbe probe = ProgressProbe.open(data, Duration.ofSeconds(60))) {
            probe.assertNever(Duration.ofMillis(1500), "a task submitted before any consumer runs",
                    p -> p.submitted() > 0, producer);
            JsonNode before = taskq.status(data);
            assertEquals(0, before.get("submitted").asLong(), () -> "nothing submitted before any consumer: " + before);
            assertTrue(producer.isAlive(), producer::describe);

            // One consumer is not enough.
            TaskqProcess first = taskq.start("consumer-a", "consume", "--index", "auto", "--exit-on-eos",
                    "--data-dir", data.toString());
            probe.await(Duration.ofSeconds(90), "the first consumer to take its slot", p -> p.liveConsumers() == 1,
                    first, producer);
            probe.assertNever(Duration.ofSeconds(1), "a task submitted with one of two consumers",
                    p -> p.submitted() > 0, first, producer);
            JsonNode one = taskq.status(data);
            assertEquals(0, one.get("submitted").asLong(), () -> "nothing submitted with one of two consumers: " + one);

            TaskqProcess second = taskq.start("consumer-b", "consume", "--index", "auto", "--exit-on-eos",
                    "--data-dir", data.toString());

            assertEquals(0, producer.awaitExit(Duration.ofSeconds(180)), producer::describe);
            assertTrue(producer.stdout().contains("VERIFIED: 40,000 tasks, each done exactly once"),
                    producer::describe);
            assertTrue(producer.stderr().contains("2 consumers hold a slot; producing"), producer::describe);
            assertEquals(0, first.awaitExit(Duration.ofSeconds(60)), first::describe);
            assertEquals(0, second.awaitExit(Duration.ofSeconds(60)), second::describe);
            JsonNode after = taskq.status(data);
            // Paced over two seconds with both consumers polling, each claims part of the job.
            for (int index = 0; index < 2; index++) {
                JsonNode slot = StatusAssertions.slot(after, index);
                assertTrue(slot.get("done").asLong() > 0, () -> "both consumers handled tasks: " + after);
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldGiveUpAfterTheTimeoutWithExitThreeHavingSubmittedNothing() throws Exception {
        Path data = tmp.resolve("data");

        TaskqProcess p = taskq.run("producer", "produce", "--count", "10", "--wait-consumers", "1", "--timeout", "2s",
                "--data-dir", data.toString());

        assertEquals(3, p.exitCode(), p::describe);
        assertTrue(p.stdout().contains("wait-consumers: timed out after 2s with 0 of 1 consumers holding a slot;"
                + " nothing was submitted"), p::describe);
        JsonNode status = taskq.status(data);
        assertEquals(0, status.get("submitted").asLong(), () -> "nothing submitted: " + status);
    }

    @Test
    @Timeout(120)
    void shouldRejectMoreConsumersThanTheDataDirectoryHasSlots() throws Exception {
        Path data = tmp.resolve("data");
        taskq.runOk("create", "produce", "--count", "10", "--data-dir", data.toString());
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess p = taskq.run("producer", "produce", "--count", "10", "--wait-consumers", "65",
                "--data-dir", data.toString());

        assertRejected(p, "produce", "--wait-consumers 65 is more than the 64 result slots of " + data);
        assertEquals(before, DataDirSnapshot.of(data), "the data directory is unchanged");
    }
}
