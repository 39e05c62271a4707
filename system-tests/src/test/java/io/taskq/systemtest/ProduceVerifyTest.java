package io.taskq.systemtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code produce --verify}: the producer's exit code says whether the finished job matches the closed form. */
class ProduceVerifyTest extends ProcessTest {

    @Test
    @Timeout(240)
    void shouldExitZeroAndSayVerifiedWhenEveryTaskWasHandledOnce() throws Exception {
        Path data = tmp.resolve("data");
        TaskqProcess consumer = taskq.start("consumer", "consume", "--index", "auto", "--exit-on-eos",
                "--data-dir", data.toString());
        TaskqProcess producer = taskq.start("producer", "produce", "--count", "50000", "--seal", "--join", "--verify",
                "--timeout", "120s", "--data-dir", data.toString());

        assertEquals(0, producer.awaitExit(Duration.ofSeconds(180)), producer::describe);
        assertTrue(producer.stdout().contains("VERIFIED: 50,000 tasks, each done exactly once"), producer::describe);
        assertEquals(0, consumer.awaitExit(Duration.ofSeconds(60)), consumer::describe);
    }

    @Test
    @Timeout(240)
    void shouldExitOneAndSayWhatDiffersWhenTheStreamHeldOtherTasks() throws Exception {
        Path data = tmp.resolve("data");
        taskq.runOk("earlier-producer", "produce", "--count", "10", "--data-dir", data.toString());
        TaskqProcess consumer = taskq.start("consumer", "consume", "--index", "0", "--exit-on-eos",
                "--data-dir", data.toString());
        TaskqProcess producer = taskq.start("producer", "produce", "--count", "1000", "--seal", "--join", "--verify",
                "--timeout", "120s", "--data-dir", data.toString());

        assertEquals(1, producer.awaitExit(Duration.ofSeconds(180)), producer::describe);
        String out = producer.stdout();
        assertTrue(out.contains("join: all tasks done"), producer::describe);
        assertTrue(out.contains("NOT VERIFIED: submitted 1010, done 1010"), producer::describe);
        assertTrue(out.contains("expected 1000 tasks"), producer::describe);
        assertTrue(out.lines().noneMatch(l -> l.startsWith("VERIFIED")), producer::describe);
        assertEquals(0, consumer.awaitExit(Duration.ofSeconds(60)), consumer::describe);
    }
}
