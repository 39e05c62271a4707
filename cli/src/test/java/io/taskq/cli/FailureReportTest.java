package io.taskq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskq.common.Await;
import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.consumer.ConsumerSettings;
import io.taskq.consumer.TaskConsumer;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import io.taskq.workload.ExampleHandler;
import io.taskq.workload.Workload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code status} and {@code doctor}, text and JSON, count real handler failures: tasks dead, tasks waiting in backoff,
 * failed calls and calls repeated after a consumer died in the call. The consumers run in this JVM, one
 * {@link TaskConsumer#doWork} at a time, so every figure is known exactly.
 */
@Timeout(120)
class FailureReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;
    /**
     * 12 tasks, sealed, three slots with 4 seqs each. Slot 0 (1 attempt): seq 1 fails, dead. Slot 1 (3 attempts, no
     * backoff): seq 5 fails once, then is done. Slot 2 (2 attempts, 1 h backoff): seq 9 fails and waits to retry;
     * seq 10's call never returns its outcome, as if the consumer were killed in it, and is handled again.
     */
    static Path mixed;
    /** 4 tasks, sealed, one slot (1 attempt): seq 2 fails and is dead, the others are done; every task finished. */
    static Path finished;
    /**
     * {@code consumer.lease} 1 h: the slots above, whose owners have closed, stay unorphaned however slowly the tests
     * run. Slot 2 has a task waiting to retry, and a slot with unfinished work and an old heartbeat is orphaned.
     */
    static Path longLease;
    /** {@code consumer.lease} 100 ms (and a 10 ms heartbeat, as the lease must be at least two). */
    static Path shortLease;

    @BeforeAll
    static void failSomeTasks() throws Exception {
        longLease = Files.writeString(tmp.resolve("long-lease.yaml"), "consumer:\n  lease: 1h\n");
        shortLease = Files.writeString(tmp.resolve("short-lease.yaml"), "consumer:\n  heartbeat: 10ms\n"
                + "  lease: 100ms\n");
        mixed = tmp.resolve("mixed");
        // Four tasks are put before each slot works, so that each slot claims exactly those four.
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(mixed).build())) {
            put(producer, 4);
            try (TaskConsumer c = consumer(mixed, 0, 1, Duration.ZERO, failing(task -> task.seq() == 1))) {
                assertEquals(4, c.doWork());
            }
            put(producer, 4);
            try (TaskConsumer c = consumer(mixed, 1, 3, Duration.ZERO,
                    failing(task -> task.seq() == 5 && task.attempt() == 1))) {
                assertEquals(4, c.doWork());
                assertTrue(Await.FAST.until(WAIT, () -> {
                    c.doWork();
                    return c.retriesWaiting() == 0;
                }), "seq 5's retry is due at once and is handled");
            }
            put(producer, 4);
            TaskHandler killedInSeq10 = failing(task -> {
                if (task.seq() == 10)
                    throw new InternalError("the consumer dies inside the call");
                return task.seq() == 9;
            });
            try (TaskConsumer c = consumer(mixed, 2, 2, Duration.ofHours(1), killedInSeq10)) {
                assertThrows(InternalError.class, c::doWork);
            }
            try (TaskConsumer c = consumer(mixed, 2, 2, Duration.ofHours(1), new ExampleHandler())) {
                assertTrue(Await.FAST.until(WAIT, () -> {
                    c.doWork();
                    return !c.hasBatchInHand();
                }), "the restarted slot 2 finishes its batch");
                assertEquals(1, c.retriesWaiting(), "seq 9 waits an hour for its retry");
            }
            assertEquals(12, producer.seal());
        }

        finished = tmp.resolve("finished");
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(finished).build());
             TaskConsumer c = consumer(finished, 0, 1, Duration.ZERO, failing(task -> task.seq() == 2))) {
            put(producer, 4);
            assertEquals(4, producer.seal());
            assertEquals(4, c.doWork());
            assertTrue(producer.joinAll(WAIT), "a dead task is finished: join --all returns");
        }
    }

    /** Puts the next {@code count} tasks of the synthetic workload. */
    private static void put(TaskProducer producer, int count) {
        for (int i = 0; i < count; i++) {
            long seq = producer.submitted();
            assertEquals(seq, producer.put(Workload.value(seq), Workload.payload(seq)));
        }
    }

    private static TaskConsumer consumer(Path dir, int index, int maxAttempts, Duration backoff, TaskHandler handler) {
        return TaskConsumer.open(settings(dir, index, maxAttempts, backoff).build(), handler);
    }

    private static ConsumerSettings.Builder settings(Path dir, int index, int maxAttempts, Duration backoff) {
        return ConsumerSettings.builder(dir).index(index).batchSize(4).maxAttempts(maxAttempts).retryBackoff(backoff);
    }

    /**
     * The example handler, except that it throws for the calls {@code fails} accepts. An {@link InternalError} thrown
     * by {@code fails} leaves the consumer as a kill in the call would: the call counted, its outcome not recorded.
     */
    private static TaskHandler failing(Predicate<Task> fails) {
        ExampleHandler example = new ExampleHandler();
        return new TaskHandler() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public void handle(Task task, TaskResult result) {
                if (fails.test(task))
                    throw new IllegalStateException("handler fails seq " + task.seq());
                example.handle(task, result);
            }
        };
    }

    private static CommandRun run(int exitCode, String... args) {
        CommandRun run = CommandRun.of(args);
        assertEquals(exitCode, run.exitCode(), run::toString);
        return run;
    }

    /** The whitespace-separated cells of the line of {@code text} whose first cell is {@code first}. */
    private static List<String> row(String text, String first) {
        return text.lines().map(l -> List.of(l.trim().split("\\s+"))).filter(cells -> cells.get(0).equals(first))
                .findFirst().orElseThrow(() -> new AssertionError("no row '" + first + "' in:\n" + text));
    }

    @Test
    void shouldPrintDeadAndRetryingInTheTotalsAndEachSlotsDeadAndFailures() {
        String out = run(0, "status", "--data-dir", mixed.toString(), "--config", longLease.toString()).out();
        List<String> lines = out.lines().toList();
        assertEquals("submitted 12  claimed 12  done 10  dead 1  retrying 1  backlog 1  rate 0 tasks/s",
                lines.get(1), out);
        assertEquals("stream sealed at 12 tasks", lines.get(2), "seq 9 is not finished yet:\n" + out);
        assertEquals(List.of("slot", "pid", "state", "alive", "done", "dead", "failures", "sumValue", "sumPayload",
                "lastSeq", "inFlight", "rate/s", "p99(us)"), row(out, "slot"), out);
        // slot, pid, state, alive, done, dead, failures
        assertEquals(List.of("3", "1", "1"), row(out, "0").subList(4, 7), out);
        assertEquals(List.of("4", "0", "1"), row(out, "1").subList(4, 7), out);
        assertEquals(List.of("3", "0", "1"), row(out, "2").subList(4, 7), out);
        assertEquals(List.of("total", "10", "1", "3"), row(out, "total").subList(0, 4), out);
    }

    @Test
    void shouldCountADeadTaskAsFinished() {
        String out = run(0, "status", "--data-dir", finished.toString()).out();
        List<String> lines = out.lines().toList();
        assertEquals("submitted 4  claimed 4  done 3  dead 1  retrying 0  backlog 0  rate 0 tasks/s", lines.get(1),
                out);
        assertEquals("stream sealed at 4 tasks, all finished, 1 dead", lines.get(2), out);
        assertEquals(List.of("total", "3", "1", "1"), row(out, "total").subList(0, 4), out);
    }

    @Test
    void shouldWriteTheFailureFiguresInTheStatusJson() throws IOException {
        String out = run(0, "status", "--json", "--data-dir", mixed.toString(), "--config", longLease.toString()).out();
        JsonNode status = JSON.readTree(out);
        assertEquals(10, status.get("done").asLong(), out);
        assertEquals(1, status.get("dead").asLong(), out);
        assertEquals(1, status.get("retrying").asLong(), out);
        assertEquals(3, status.get("failures").asLong(), out);
        assertEquals(1, status.get("backlog").asLong(), out);
        assertEquals(9, status.get("watermark").asLong(), "seq 9 waits to retry; " + out);
        assertFalse(status.get("allDone").asBoolean(), out);
        // done, dead, retrying, failures, attempts, repeats
        assertSlot(status, 0, 3, 1, 0, 1, 4, 0);
        assertSlot(status, 1, 4, 0, 0, 1, 5, 0);
        assertSlot(status, 2, 3, 0, 1, 1, 5, 1);
    }

    private static void assertSlot(JsonNode status, int index, long done, long dead, long retrying, long failures,
                                   long attempts, long repeats) {
        JsonNode slot = status.get("slots").get(index);
        String s = "slot " + index + ": " + slot;
        assertEquals(index, slot.get("index").asInt(), s);
        assertEquals(done, slot.get("done").asLong(), s);
        assertEquals(dead, slot.get("dead").asLong(), s);
        assertEquals(retrying, slot.get("retrying").asLong(), s);
        assertEquals(failures, slot.get("failures").asLong(), s);
        assertEquals(attempts, slot.get("attempts").asLong(), s);
        assertEquals(repeats, slot.get("repeats").asLong(), s);
        assertFalse(slot.get("orphaned").asBoolean(), s);
    }

    @Test
    void shouldReportDeadAndRetryingTasksWithoutChangingTheVerdict() throws IOException {
        String out = run(0, "doctor", "--data-dir", mixed.toString(), "--config", longLease.toString()).out();
        for (String expected : List.of("dead tasks: 1 failed on their last attempt (taskq dead lists them)\n",
                "retries: 1 tasks wait in backoff for another attempt\n",
                ", nothing in flight, 1 tasks waiting to retry\n", "\nverdict: healthy\n"))
            assertTrue(out.contains(expected), () -> "doctor prints '" + expected + "':\n" + out);
        assertEquals(1, out.lines().filter(l -> l.contains("waiting to retry")).count(), "only slot 2 waits:\n" + out);

        String line = run(0, "doctor", "--json", "--data-dir", mixed.toString(), "--config", longLease.toString())
                .out();
        JsonNode report = JSON.readTree(line);
        assertEquals("healthy", report.get("verdict").asText(), line);
        assertEquals(0, report.get("problems").size(), line);
        assertEquals(1, report.get("status").get("dead").asLong(), line);
        assertEquals(1, report.get("status").get("retrying").asLong(), line);
        assertEquals(3, report.get("status").get("failures").asLong(), line);
        assertTrue(report.get("files").findValuesAsText("path").contains("dead"), "the dead-letter queue: " + line);
    }

    @Test
    void shouldNotMentionRetriesWhenNoneWait() {
        String out = run(0, "doctor", "--data-dir", finished.toString()).out();
        assertTrue(out.contains("dead tasks: 1 failed on their last attempt (taskq dead lists them)\n"), out);
        assertFalse(out.contains("retries:") || out.contains("waiting to retry"), out);
        assertTrue(out.contains("\nverdict: healthy\n"), out);
        assertTrue(out.lines().anyMatch("stream sealed at 4 tasks, all finished, 1 dead"::equals), out);
    }

    @Test
    void shouldFlagTasksWaitingToRetryInASlotWhoseOwnerIsGoneAsOrphanedUntilAConsumerAdoptsThem() throws Exception {
        Path dir = tmp.resolve("abandoned");
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            put(producer, 4);
            assertEquals(4, producer.seal());
        }
        try (TaskConsumer c = consumer(dir, 0, 2, Duration.ofHours(1), failing(task -> task.seq() == 1))) {
            assertEquals(4, c.doWork());
        }
        long closedAt = System.currentTimeMillis();
        assertTrue(Await.STEADY.until(WAIT, () -> System.currentTimeMillis() - closedAt > 200),
                "slot 0's last heartbeat, stamped at close, is older than the 100 ms lease");
        long pid = ProcessHandle.current().pid();

        String status = run(0, "status", "--data-dir", dir.toString(), "--config", shortLease.toString()).out();
        assertTrue(status.contains("\nslot 0: 1 tasks waiting to retry are orphaned; owner pid " + pid + " is gone "),
                status);
        String doctor = run(1, "doctor", "--data-dir", dir.toString(), "--config", shortLease.toString()).out();
        assertTrue(doctor.contains("\nproblem: slot 0: orphaned 1 tasks waiting to retry; owner pid " + pid
                + " is gone and its heartbeat is "), doctor);
        assertTrue(doctor.contains("\nverdict: attention (1 problem)\n"), doctor);

        ConsumerSettings adopter = settings(dir, 1, 2, Duration.ofHours(1)).heartbeat(Duration.ofMillis(10))
                .lease(Duration.ofMillis(100)).build();
        try (TaskConsumer c = TaskConsumer.open(adopter, new ExampleHandler())) {
            assertTrue(Await.STEADY.until(WAIT, () -> {
                c.doWork();
                return c.retriesWaiting() == 1;
            }), "slot 1 adopts the retry of the slot status called orphaned");
            String line = run(0, "status", "--json", "--data-dir", dir.toString(), "--config",
                    shortLease.toString()).out();
            JsonNode json = JSON.readTree(line);
            assertEquals(List.of(0, 1), json.get("slots").findValues("index").stream().map(JsonNode::asInt).toList(),
                    line);
            assertEquals(0, json.get("slots").get(0).get("retrying").asLong(), line);
            assertFalse(json.get("slots").get(0).get("orphaned").asBoolean(), line);
            assertEquals(1, json.get("slots").get(1).get("retrying").asLong(), line);
            assertFalse(json.get("slots").get(1).get("orphaned").asBoolean(), "its owner runs; " + line);
            assertEquals(1, json.get("retrying").asLong(), line);
        }
    }
}
