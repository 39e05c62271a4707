package io.taskq.systemtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code taskq tail} and {@code taskq join} against data directories that real producers and consumers wrote. */
class TailAndJoinTest extends ProcessTest {
    @Test
    @Timeout(120)
    void shouldPrintTasksAndEndOfStreamAsTextWithTail() throws Exception {
        Path data = tmp.resolve("data");
        taskq.runOk("produce", "produce", "--count", "5", "--data-dir", data.toString());
        taskq.runOk("produce-singly", "produce", "--count", "3", "--batch", "1", "--seal", "--data-dir",
                data.toString());

        TaskqProcess tail = taskq.runOk("tail", "tail", "--data-dir", data.toString());

        String out = tail.stdout();
        for (String text : new String[]{"tasks:", "firstSeq: 0", "count: 5", "task:", "value:", "payload:",
                "endOfStream:", "submitted: 8"})
            assertTrue(out.contains(text), () -> "tail prints '" + text + "'\n" + tail.describe());
        for (int seq = 0; seq < 8; seq++) {
            String text = "seq: " + seq + ",";
            assertEquals(1, out.split(text, -1).length - 1, () -> "tail shows task " + text + " once\n"
                    + tail.describe());
        }
        assertEquals(1, out.split("tasks: \\{", -1).length - 1, () -> "one batch excerpt\n" + tail.describe());
        assertEquals(3, out.split("task: \\{", -1).length - 1, () -> "three single task excerpts\n"
                + tail.describe());
        assertTrue(out.indexOf("seq: 5,") > out.indexOf("seq: 4,"), () -> "queue order\n" + tail.describe());
        assertTrue(out.indexOf("endOfStream:") > out.indexOf("seq: 7,"),
                () -> "end of stream comes last\n" + tail.describe());
    }

    @Test
    @Timeout(180)
    void shouldTimeOutWithExitCode3WhileTasksArePendingAndExit0OnceTheyAreDone() throws Exception {
        Path data = tmp.resolve("data");
        taskq.runOk("produce", "produce", "--count", "1000", "--seal", "--data-dir", data.toString());

        TaskqProcess pending = taskq.run("join-pending", "join", "--timeout", "1s", "--data-dir", data.toString());
        assertEquals(3, pending.exitCode(), pending::describe);
        assertTrue(pending.stdout().contains("timed out after 1s"), pending::describe);
        TaskqProcess pendingAll = taskq.run("join-all-pending", "join", "--all", "--timeout", "1s",
                "--data-dir", data.toString());
        assertEquals(3, pendingAll.exitCode(), pendingAll::describe);

        TaskqProcess consumer = taskq.start("consumer-0", "consume", "--index", "0", "--exit-on-eos",
                "--data-dir", data.toString());
        assertEquals(0, consumer.awaitExit(Duration.ofSeconds(90)), consumer::describe);

        TaskqProcess done = taskq.run("join-done", "join", "--data-dir", data.toString());
        assertEquals(0, done.exitCode(), done::describe);
        assertTrue(done.stdout().contains("1,000 tasks done"), done::describe);
        TaskqProcess doneAll = taskq.run("join-all-done", "join", "--all", "--timeout", "10s",
                "--data-dir", data.toString());
        assertEquals(0, doneAll.exitCode(), doneAll::describe);
    }
}
