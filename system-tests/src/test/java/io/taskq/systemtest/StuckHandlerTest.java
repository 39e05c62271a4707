package io.taskq.systemtest;

import io.taskq.common.Await;
import io.taskq.common.Task;
import io.taskq.common.TaskResult;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.wire.DeadLetter;
import io.taskq.workload.ExampleHandler;
import io.taskq.workload.Workload;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A handler stuck in an endless loop on one task, with {@code consumer.task-timeout} set: each stuck call is cut off,
 * its consumer exits with code 6 and is restarted by the test as a supervisor would, the call counts as a failed
 * attempt, and after {@code consumer.max-attempts} the task is dead. The job finishes; every other task is done
 * exactly once.
 */
class StuckHandlerTest extends ProcessTest {
    private static final int TASKS = 2_000;
    private static final long STUCK = 777;
    private static final int MAX_ATTEMPTS = 2;
    private static final Path TEST_CLASSES = Taskq.PROJECT_ROOT.resolve("system-tests/target/test-classes");

    @Test
    @Timeout(180)
    void shouldCutOffAStuckHandlerAndDeadLetterItsTaskAfterItsAttempts() throws Exception {
        Path data = tmp.resolve("data");
        List<TaskqProcess> consumers = new ArrayList<>(startConsumers(data, 2, env()));
        taskq.runOk("producer", "produce", "--count", String.valueOf(TASKS), "--seal", "--data-dir", data.toString());
        TaskqProcess join = taskq.start("join", "join", "--all", "--timeout", "120s", "--data-dir", data.toString());

        // Supervise: a consumer that exits with code 6 (task timeout) is restarted with its index.
        int[] cutOff = new int[1];
        assertTrue(Await.STEADY.until(Duration.ofSeconds(150), () -> {
            for (int k = 0; k < consumers.size(); k++) {
                TaskqProcess c = consumers.get(k);
                if (c.isAlive() || c.exitCode() == 0)
                    continue;
                assertEquals(6, c.exitCode(), c::describe);
                assertTrue(c.stderr().contains("has run for more than consumer.task-timeout=1000ms"), c::describe);
                cutOff[0]++;
                try {
                    consumers.set(k, consumer(data, k));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            return !join.isAlive();
        }), join::describe);

        assertEquals(5, join.exitCode(), join::describe);
        assertTrue(join.stdout().contains(String.format("%,d done, 1 dead (taskq dead lists them", TASKS - 1)),
                join::describe);
        assertEquals(MAX_ATTEMPTS, cutOff[0], "one consumer exit per attempt of the stuck task");
        for (TaskqProcess c : consumers)
            assertEquals(0, c.awaitExit(Duration.ofSeconds(60)), c::describe);

        try (DataDirectory dir = DataDirectory.openExisting(data, RollCycles.FAST_DAILY)) {
            Progress p = Progress.read(dir);
            assertEquals(TASKS - 1, p.done());
            assertEquals(1, p.dead());
            assertEquals(MAX_ATTEMPTS, p.failures());
            assertEquals(0, p.retrying());
            TaskResult stuck = new TaskResult();
            new ExampleHandler().handle(Task.of(Workload.value(STUCK), Workload.payload(STUCK)), stuck);
            assertEquals(Workload.expectedSumValue(TASKS) - stuck.value(), p.sumValue(), "every other task once");
            assertEquals(Workload.expectedSumPayload(TASKS) - stuck.payload(), p.sumPayload(), 1e-6);
            List<DeadLetter> dead = dir.deadLetters().list();
            assertEquals(1, dead.size(), dead::toString);
            assertEquals(STUCK, dead.get(0).seq);
            assertEquals(MAX_ATTEMPTS, dead.get(0).attempts);
            assertEquals(TimeoutException.class.getName(), dead.get(0).errorClass);
        }
    }

    private static Map<String, String> env() {
        return Map.of("TASKQ_CLASSPATH", TEST_CLASSES.toString(),
                StuckHandler.STUCK_SEQ_ENV, String.valueOf(STUCK),
                "TASKQ_CONSUMER_HANDLER", StuckHandler.NAME,
                "TASKQ_CONSUMER_TASK_TIMEOUT", "1s",
                "TASKQ_CONSUMER_MAX_ATTEMPTS", String.valueOf(MAX_ATTEMPTS),
                "TASKQ_CONSUMER_RETRY_BACKOFF", "10ms",
                "TASKQ_CONSUMER_HEARTBEAT", "100ms",
                "TASKQ_CONSUMER_LEASE", "500ms");
    }

    private TaskqProcess consumer(Path data, int index) throws Exception {
        return taskq.start("consumer-" + index, env(), "consume", "--index", String.valueOf(index), "--exit-on-eos",
                "--data-dir", data.toString());
    }
}
