package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskq.workload.Workload;
import io.taskq.common.store.Progress;
import io.taskq.common.store.SlotSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumer chaos: one producer and three consumer processes over 500,000 tasks, while consumers are killed with
 * SIGKILL in the middle of their batches, again and again. Two kills in three restart the consumer with the same
 * index (it resumes its batch); every third kill leaves the index dead and starts a consumer with a fresh index
 * instead, so the dead slot's batch must be adopted. At the end every task is done exactly once: the totals match
 * the closed form, whatever was handled again after a kill.
 */
class ConsumerChaosTest extends ProcessTest {
    private static final int TASKS = 500_000;
    private static final int MIN_KILLS = 30;
    private static final int CONSUMERS = 3;
    /** 50 us of work per task: 25 s of handling, so that kills land mid-batch and the work outlasts 30 kills. */
    private static final String SPIN_NANOS = "50000";
    /**
     * Calls a kill may repeat: the one in hand, and the tasks of its commit group not published yet. A group is
     * published at the commit that finds it 100 us old, so with calls of at least 50 us it holds at most two
     * unpublished tasks (done at t and t + 50 us; the one done at t + 100 us publishes them).
     */
    private static final int REPEATS_PER_KILL = 3;
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** Tasks a consumer handles after it starts before it may be killed: past start-up, inside its work. */
    private static final int WARM_TASKS = 100;
    /**
     * Short, so that abandoned slots are adopted soon, but not so short that a live consumer's JVM, stalled as a whole
     * on a loaded machine (its heartbeat thread too), is taken for dead and fenced: at 500 ms that happened at load
     * averages of 17 to 40, and the fenced consumer exits 7 as it must. Fencing has its own test
     * (FrozenConsumerTest); this one is about kills.
     */
    private static final String LEASE = "2s";
    private static final Path TEST_CLASSES = Taskq.PROJECT_ROOT.resolve("system-tests/target/test-classes");

    @Test
    @Timeout(600)
    void shouldCountEveryTaskExactlyOnceWhileConsumersAreKilledRestartedAndAbandoned() throws Exception {
        Path data = tmp.resolve("data");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.println("consumer chaos: random seed " + seed);

        List<Consumer> running = new ArrayList<>();
        for (int k = 0; k < CONSUMERS; k++)
            running.add(startConsumer(data, k));
        int nextIndex = CONSUMERS;
        int kills = 0;
        int restarts = 0;
        List<Integer> abandoned = new ArrayList<>();

        try (ProgressProbe probe = ProgressProbe.open(data, STARTUP)) {
            probe.await(STARTUP, "three consumers to take their slots", p -> p.slots().size() == CONSUMERS,
                    processes(running));
            TaskqProcess producer = taskq.start("producer", "produce", "--count", String.valueOf(TASKS), "--seal",
                    "--data-dir", data.toString());

            while (kills < MIN_KILLS) {
                // Kill only consumers that hold their slot and are handling a batch, so each kill interrupts work.
                                Progress busy = probe.await(STARTUP, "a consumer to be running a batch",
                        q -> q.allDone() || running.stream().anyMatch(c -> isRunning(q, c)), processes(running));
                if (busy.allDone())
                    break;
                List<Consumer> working = running.stream().filter(c -> isRunning(busy, c)).toList();
                Consumer victim = working.get(random.nextInt(working.size()));
                TimeUnit.MILLISECONDS.sleep(random.nextInt(100)); // a random moment inside its work, not a sync
                victim.process.kill();
                assertEquals(137, victim.process.awaitExit(Duration.ofSeconds(30)), victim.process::describe);
                kills++;
                running.remove(victim);
                if (kills % 3 == 0) {
                    abandoned.add(victim.index);
                    running.add(startConsumer(data, nextIndex++));
                } else {
                    restarts++;
                    running.add(startConsumer(data, victim.index));
                }
            }
            assertTrue(kills >= MIN_KILLS, "only " + kills + " kills happened before the work ran out (seed " + seed
                    + "); the run must be long enough for " + MIN_KILLS);
            assertEquals(0, producer.awaitExit(STARTUP), producer::describe);
        }
        for (Consumer c : running)
            assertEquals(0, c.process.awaitExit(Duration.ofSeconds(240)), c.process::describe);

        JsonNode status = taskq.status(data);
        StatusAssertions.assertAllDoneExactlyOnce(status, TASKS, Workload.expectedSumValue(TASKS),
                Workload.expectedSumPayload(TASKS));
        long attempts = 0;
        long adopted = 0;
        for (JsonNode slot : status.get("slots")) {
            attempts += slot.get("attempts").asLong();
            adopted += slot.get("adopted").asLong();
            assertFalse(slot.get("orphaned").asBoolean(), () -> "no slot is left orphaned: " + slot);
        }
        long handledAgain = attempts - TASKS;
        System.out.printf("consumer chaos: %d kills (%d restarted with the same index, %d indices abandoned: %s); "
                        + "%,d tasks adopted from abandoned slots; %,d handler calls for %,d tasks, "
                        + "so %,d handled again after a kill; "
                        + "counted exactly once: done %,d, sumValue %d, sumPayload %.1f%n",
                kills, restarts, abandoned.size(), abandoned, adopted, attempts, TASKS, handledAgain,
                status.get("done").asLong(), status.get("sumValue").asLong(), status.get("sumPayload").asDouble());
        assertTrue(handledAgain >= 0, "every done task was handed to a handler at least once");
        assertTrue(handledAgain <= (long) REPEATS_PER_KILL * kills, "a kill repeats at most the call in hand and the "
                + "unpublished part of its commit group: " + handledAgain + " repeats for " + kills + " kills");
        assertTrue(adopted > 0, "abandoned slots " + abandoned + " left batches that other consumers adopted");
        for (int index : abandoned) {
            JsonNode slot = StatusAssertions.slot(status, index);
            assertEquals(0, slot.get("inFlight").asLong(), () -> "abandoned slot " + index + ": " + slot);
        }
    }

    private TaskqProcess[] processes(List<Consumer> running) {
        return running.stream().map(c -> c.process).toArray(TaskqProcess[]::new);
    }

    /**
     * True when consumer {@code c} holds its slot, has a batch in hand and has handled some tasks since it started,
     * so it is past its start-up and in the middle of its work.
     */
    private static boolean isRunning(Progress p, Consumer c) {
        for (SlotSnapshot s : p.slots()) {
            if (s.index() != c.index)
                continue;
            if (s.pid() != c.process.pid() || !s.alive())
                return false;
            if (c.attemptsAtStart < 0)
                c.attemptsAtStart = s.attempts();
            return s.inFlight() > 0 && s.attempts() >= c.attemptsAtStart + WARM_TASKS;
        }
        return false;
    }

    private Consumer startConsumer(Path data, int index) throws Exception {
        TaskqProcess p = taskq.start("consumer-" + index, Map.of(
                        "TASKQ_CLASSPATH", TEST_CLASSES.toString(),
                        SlowExampleHandler.SPIN_ENV, SPIN_NANOS,
                        "TASKQ_CONSUMER_HEARTBEAT", "100ms",
                        "TASKQ_CONSUMER_LEASE", LEASE),
                "consume", "--index", String.valueOf(index), "--exit-on-eos", "--handler", SlowExampleHandler.NAME,
                "--data-dir", data.toString());
        return new Consumer(index, p);
    }

    private static final class Consumer {
        final int index;
        final TaskqProcess process;
        /** The slot's attempts when this process was first seen owning it; -1 until then. */
        long attemptsAtStart = -1;

        Consumer(int index, TaskqProcess process) {
            this.index = index;
            this.process = process;
        }
    }
}
