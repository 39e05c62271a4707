package io.taskq.cli;

import com.sun.management.ThreadMXBean;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.wire.TaskScan;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code taskq produce --input FILE --format lines|jsonl} in this JVM, through {@link Main}: what lands in the queue,
 * the summary line, the one-line error that keeps the tasks before a bad line, and a read loop that allocates nothing
 * per line.
 */
class ProduceInputTest {
    @TempDir
    Path tmp;

    /** The bodies of every task in {@code dir}'s queue, as UTF-8 text, after checking value and payload are 0. */
    private static List<String> bodies(Path dir) {
        List<String> bodies = new ArrayList<>();
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            DataDirectory data = producer.data();
            TaskScan scan = new TaskScan();
            TaskScan.Visitor collect = task -> {
                assertEquals(0, task.value(), task::toString);
                assertEquals(0.0, task.payload(), task::toString);
                bodies.add(new String(task.bodyBytes(), StandardCharsets.UTF_8));
            };
            try (ExcerptTailer tailer = data.queue().createTailer()) {
                while (scan.next(tailer, collect)) {
                    // collect gathers the bodies, a batch's one by one
                }
            }
        }
        return bodies;
    }

    @Test
    @Timeout(60)
    void shouldPutEachLineAsATaskBodyAndSeal() throws Exception {
        Path input = Files.writeString(tmp.resolve("lines.txt"), "first\r\n\nsecond, with ☃\nlast without newline");
        Path data = tmp.resolve("data");

        CommandRun run = CommandRun.of("produce", "--input", input.toString(), "--format", "lines", "--seal",
                "--data-dir", data.toString());

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("submitted 4 tasks (seq 0..3) in "), run::toString);
        assertTrue(run.out().contains("; stream sealed at 4 tasks"), run::toString);
        assertEquals(List.of("first", "", "second, with ☃", "last without newline"), bodies(data));
    }

    @Test
    @Timeout(60)
    void shouldPutEachJsonValueAsWrittenSkippingBlankLines() throws Exception {
        Path input = Files.writeString(tmp.resolve("events.jsonl"), "{\"id\": 1}\n\n[1, 2]\r\n\"text\"\n");
        Path data = tmp.resolve("data");

        CommandRun run = CommandRun.of("produce", "--input", input.toString(), "--format", "jsonl",
                "--data-dir", data.toString());

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("submitted 3 tasks (seq 0..2) in "), run::toString);
        assertEquals(List.of("{\"id\": 1}", "[1, 2]", "\"text\""), bodies(data));
    }

    @Test
    @Timeout(60)
    void shouldStopAtABadLineWithOneErrorLineKeepingTheTasksBeforeIt() throws Exception {
        Path input = Files.writeString(tmp.resolve("events.jsonl"), "{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3} trailing\n"
                + "{\"id\": 4}\n");
        Path data = tmp.resolve("data");

        CommandRun run = CommandRun.of("produce", "--input", input.toString(), "--format", "jsonl", "--seal",
                "--data-dir", data.toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(List.of("taskq produce: input " + input + " line 3 '{\"id\": 3} trailing': not JSON: Unrecognized "
                + "token 'trailing': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or "
                + "'false') (column 20); 2 tasks (seq 0..1) before it stay submitted; the stream was not sealed"),
                run.errLines(), run::toString);
        assertEquals(List.of("{\"id\": 1}", "{\"id\": 2}"), bodies(data));
    }

    @Test
    @Timeout(60)
    void shouldRefuseALineLongerThanTheConfiguredBodyLimitNamingTheKey() throws Exception {
        Path input = Files.writeString(tmp.resolve("lines.txt"), "1234\n12345\n");
        Path config = Files.writeString(tmp.resolve("small.yaml"), "queue:\n  max-body-bytes: 4\n");
        Path data = tmp.resolve("data");

        CommandRun run = CommandRun.of("produce", "--input", input.toString(), "--format", "lines",
                "--config", config.toString(), "--data-dir", data.toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(List.of("taskq produce: input " + input + " line 2 '12345': longer than queue.max-body-bytes=4 "
                + "bytes; 1 task (seq 0..0) before it stay submitted; the stream was not sealed"), run.errLines());
        assertEquals(List.of("1234"), bodies(data));
    }

    @Test
    void readingLinesAndJsonLinesShouldAllocateNothingPerLine() throws Exception {
        StringBuilder text = new StringBuilder();
        int lines = 100_000;
        for (int i = 0; i < lines; i++)
            text.append("{\"id\": ").append(i).append(", \"name\": \"task ").append(i)
                    .append("\", \"tags\": [1, 2]}\n");
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (InputFormat format : List.of(InputFormat.LINES, InputFormat.JSONL)) {
            // The first round warms up (class loading, JIT); the second is measured.
            long allocated = 0;
            for (int round = 0; round < 2; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                ByteLines in = new ByteLines(new ByteArrayInputStream(bytes), "stdin", 4096, "queue.max-body-bytes");
                int count = 0;
                try (TaskSource tasks = format == InputFormat.LINES ? new LinesTaskReader(in)
                        : new JsonLinesTaskReader(in)) {
                    while (tasks.next())
                        count += tasks.body().remaining() > 0 ? 1 : 0;
                }
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(lines, count);
            }
            // The read buffer (64 KiB) and the parser are made once; one object per line would be 1.6 MB or more.
            assertTrue(allocated < 512 * 1024, format + " allocated " + allocated + " bytes for " + lines + " lines");
        }
    }
}
