package io.taskq.systemtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Task bodies from a pipe, end to end through real processes: {@code cat FILE | taskq produce --input - --format lines
 * --seal}, a consumer that handles them all and stops at the end of the stream, and {@code taskq tail} showing each
 * line as its task's body.
 */
class ProduceLinesTest extends ProcessTest {
    @Test
    @Timeout(240)
    void shouldCarryEachPipedLineAsATaskBodyThroughAConsumerAndShowItWithTail() throws Exception {
        Path data = tmp.resolve("data");
        Path file = Files.writeString(tmp.resolve("bodies.txt"),
                "resize photo-1.jpg\r\n\nhéllo wörld ☃\t(tab)\nlast line, no newline", StandardCharsets.UTF_8);

        // sh runs the pipe and execs bin/taskq as its last stage, so the exit code is the producer's.
        TaskqProcess produce = taskq.startWrapped("produce", Map.of(),
                List.of("sh", "-c", "cat \"$0\" | exec \"$@\"", file.toString()),
                "produce", "--input", "-", "--format", "lines", "--seal", "--data-dir", data.toString());
        assertEquals(0, produce.awaitExit(Taskq.COMMAND_TIMEOUT), produce::describe);
        assertTrue(produce.stdout().startsWith("submitted 4 tasks (seq 0..3) in "), produce::describe);
        assertTrue(produce.stdout().contains("stream sealed at 4 tasks"), produce::describe);

        TaskqProcess consumer = taskq.start("consumer-0", "consume", "--index", "0", "--exit-on-eos",
                "--data-dir", data.toString());
        assertEquals(0, consumer.awaitExit(Duration.ofSeconds(90)), consumer::describe);
        assertTrue(consumer.stdout().contains("slot 0: handled 4 tasks in this run, 4 in all; end of stream"),
                consumer::describe);

        TaskqProcess tail = taskq.runOk("tail", "tail", "--data-dir", data.toString());
        // The piped lines go into batch excerpts, which tail shows one task per line.
        List<String> bodies = Pattern.compile("body: (\"(?:[^\"\\\\]|\\\\.)*\")").matcher(tail.stdout()).results()
                .map(m -> m.group(1)).toList();
        assertEquals(List.of("\"resize photo-1.jpg\"", "\"héllo wörld ☃\\t(tab)\"", "\"last line, no newline\""),
                bodies, tail::describe);
        assertEquals(4, tail.stdout().split("seq: ", -1).length - 1, () -> "four tasks, the empty line's one "
                + "without a body field\n" + tail.describe());
    }
}
