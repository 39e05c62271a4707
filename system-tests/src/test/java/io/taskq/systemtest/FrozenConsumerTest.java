package io.taskq.systemtest;

import io.taskq.common.Task;
import io.taskq.common.TaskResult;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.store.SlotSnapshot;
import io.taskq.common.wire.DeadLetter;
import io.taskq.workload.ExampleHandler;
import io.taskq.workload.Workload;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer frozen with SIGSTOP while it holds a claimed batch and tasks waiting to retry: once its heartbeat is older
 * than the lease, another consumer takes that work over and fences its slot, and the job finishes while it is still
 * stopped, while another consumer is killed with SIGKILL and restarted. Resumed with SIGCONT, the stopped consumer
 * lands nothing and exits with code 7. Every task ends once, done or dead. One round by default; with more rounds,
 * each freezes a different consumer.
 */
class FrozenConsumerTest extends ProcessTest {
    private static final int TASKS = 20_000;
    /** Rounds in the default build (one, to keep it short); {@code -Dtaskq.frozen.rounds=N} runs more. */
    private static final int ROUNDS = Integer.getInteger("taskq.frozen.rounds", 1);
    private static final int CONSUMERS = 3;
    private static final int MAX_ATTEMPTS = 3;
    private static final Path TEST_CLASSES = Taskq.PROJECT_ROOT.resolve("system-tests/target/test-classes");
    /** A lease far shorter than the default, so that the stopped consumer's work is taken over within the test. */
    private static final Map<String, String> ENV = Map.of(
            "TASKQ_CLASSPATH", TEST_CLASSES.toString(),
            "TASKQ_CONSUMER_HANDLER", PoisonFlakyHandler.NAME,
            PoisonFlakyHandler.SPIN_ENV, "100000",
            "TASKQ_CONSUMER_MAX_ATTEMPTS", String.valueOf(MAX_ATTEMPTS),
            "TASKQ_CONSUMER_RETRY_BACKOFF", "500ms",
            "TASKQ_CONSUMER_RETRY_MAX_BACKOFF", "1s",
            "TASKQ_CONSUMER_HEARTBEAT", "100ms",
            "TASKQ_CONSUMER_LEASE", "1s");

    @Test
    @Timeout(300)
    void shouldTakeOverAStoppedConsumersWorkFinishTheJobAndFenceItOut() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            int index = (CONSUMERS - 1) * (round % 2) + round / 2 % CONSUMERS;
            long[] held = freezeOne(round, index % CONSUMERS);
            System.out.printf(Locale.ROOT, "frozen consumer round %d: slot %d stopped holding %d claimed tasks and %d "
                    + "retries, another consumer killed and restarted, work taken over, exited 7 on resume; %.1f s%n",
                    round, index % CONSUMERS, held[0], held[1],
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private long[] freezeOne(int round, int frozenIndex) throws Exception {
        Path data = tmp.resolve("data-" + round);
        List<TaskqProcess> consumers = startConsumers(data, CONSUMERS, ENV);
        taskq.runOk("producer-" + round, "produce", "--count", String.valueOf(TASKS), "--seal",
                "--data-dir", data.toString());
        TaskqProcess frozen = consumers.get(frozenIndex);

        long[] heldWhenStopped = new long[2];
        try (ProgressProbe probe = ProgressProbe.open(data, Duration.ofSeconds(30))) {
            probe.await(Duration.ofSeconds(60), "slot " + frozenIndex + " to hold a batch and a retry",
                    p -> slot(p, frozenIndex).inFlight() > 0 && slot(p, frozenIndex).retrying() > 0,
                    consumers.toArray(TaskqProcess[]::new));
            signal("-STOP", frozen);
            SlotSnapshot s = slot(probe.read(), frozenIndex);
            heldWhenStopped[0] = s.inFlight();
            heldWhenStopped[1] = s.retrying();
        }
        // A kill mixed in: another consumer dies while the stopped one's work waits, and is restarted.
        int killedIndex = (frozenIndex + 1 + round % 2) % CONSUMERS;
        Thread.sleep(200 + 300L * (round % 3));
        consumers.get(killedIndex).kill();
        consumers.get(killedIndex).awaitExit(Duration.ofSeconds(30));
        consumers.set(killedIndex, taskq.start("consumer-" + killedIndex + "-restarted-" + round, ENV, "consume",
                "--index", String.valueOf(killedIndex), "--exit-on-eos", "--data-dir", data.toString()));
        try {
            TaskqProcess join = taskq.run("join-" + round, "join", "--all", "--timeout", "120s",
                    "--data-dir", data.toString());
            int poison = TASKS / 1000;
            assertEquals(5, join.exitCode(), join::describe);
            assertTrue(join.stdout().contains(String.format(Locale.ROOT, "join: %,d done, %,d dead",
                    TASKS - poison, poison)), join::describe);
            assertTrue(frozen.isAlive(), "the job finished while consumer " + frozenIndex + " was stopped");

            String status = taskq.runOk("status-" + round, "status", "--data-dir", data.toString()).stdout();
            assertTrue(status.contains("slot " + frozenIndex + ": owner pid " + frozen.pid() + " was stopped"),
                    status);
            String takeOver = "and fenced it, so it exits if it resumes";
            assertTrue(consumers.stream().filter(c -> c != frozen).anyMatch(c -> c.stderr().contains(takeOver)),
                    () -> "a running consumer logged the takeover of slot " + frozenIndex + " (held "
                            + heldWhenStopped[0] + " claimed tasks and " + heldWhenStopped[1] + " retries)");
            checkTotals(data, poison, frozenIndex);
        } finally {
            signal("-CONT", frozen);
        }

        assertEquals(7, frozen.awaitExit(Duration.ofSeconds(60)), frozen::describe);
        assertEquals(1, frozen.stderr().split("another consumer took its work over", -1).length - 1,
                frozen::describe);
        for (TaskqProcess c : consumers)
            if (c != frozen)
                assertEquals(0, c.awaitExit(Duration.ofSeconds(60)), c::describe);
        checkTotals(data, TASKS / 1000, -1);
        return heldWhenStopped;
    }

    /** Every task once, done or dead: counts, the closed-form sums of the done ones, one letter per dead task. */
    private static void checkTotals(Path data, int poison, int fencedSlot) {
        try (DataDirectory dir = DataDirectory.openExisting(data, RollCycles.FAST_DAILY)) {
            Progress p = Progress.read(dir);
            assertEquals(TASKS - poison, p.done());
            assertEquals(poison, p.dead());
            assertEquals(0, p.retrying());
            assertTrue(p.allDone());
            List<DeadLetter> letters = dir.deadLetters().list();
            Set<Long> seqs = new HashSet<>();
            for (DeadLetter d : letters)
                assertTrue(seqs.add(d.seq), "one letter per dead task: " + d.seq);
            assertEquals(poison, seqs.size());
            long deadValues = 0;
            double deadPayloads = 0;
            TaskResult r = new TaskResult();
            for (long seq : seqs) {
                assertTrue(PoisonFlakyHandler.poison(Workload.value(seq)), "dead: " + seq);
                new ExampleHandler().handle(Task.of(Workload.value(seq), Workload.payload(seq)), r);
                deadValues += r.value();
                deadPayloads += r.payload();
            }
            assertEquals(Workload.expectedSumValue(TASKS) - deadValues, p.sumValue(), "every done task once");
            assertEquals(Workload.expectedSumPayload(TASKS) - deadPayloads, p.sumPayload(), 1e-6);
            if (fencedSlot >= 0)
                assertTrue(slot(p, fencedSlot).fenced(), "slot " + fencedSlot + " is fenced while its owner lives");
        }
    }

    private static SlotSnapshot slot(Progress p, int index) {
        return p.slots().stream().filter(s -> s.index() == index).findFirst().orElseThrow();
    }

    private static void signal(String signal, TaskqProcess p) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill " + signal + " " + p.pid());
    }
}
