package io.taskq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.consumer.ConsumerSettings;
import io.taskq.consumer.TaskConsumer;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code taskq results} on outcomes made for real: a producer puts {@link #TASKS} tasks with bodies, and a consumer in
 * this JVM replies with a text body, a binary body, a multi-line body, or fails a task on both of its attempts.
 */
@Timeout(120)
class ResultsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TASKS = 30;
    private static final long BINARY = 4;
    private static final long MULTI_LINE = 5;
    private static final long DEAD = 6;
    private static final byte[] BINARY_BODY = {(byte) 0xff, 0, (byte) 0xfe};
    private static final List<String> FIELDS = List.of("seq", "status", "body", "bodyEncoding", "slot", "attempts",
            "value", "payload", "handledAt", "handledAtMillis", "latencyNanos");

    @TempDir
    Path tmp;

    private final TaskHandler replier = new TaskHandler() {
        @Override
        public String name() {
            return "replier";
        }

        @Override
        public void handle(Task task, TaskResult result) {
            if (task.seq() == DEAD)
                throw new IllegalStateException("no reply for seq " + DEAD);
            result.set(task.seq() * 10, 0.5);
            if (task.seq() == BINARY)
                result.body(BINARY_BODY);
            else if (task.seq() == MULTI_LINE)
                result.body("two\nlines\t\\");
            else
                result.body("re: " + new String(task.bodyBytes(), StandardCharsets.UTF_8));
        }
    };

    private Path finishedJob() {
        Path dir = tmp.resolve("data");
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            for (int seq = 0; seq < TASKS; seq++)
                producer.put(0, 0, ("täsk " + seq).getBytes(StandardCharsets.UTF_8));
            producer.seal();
        }
        ConsumerSettings settings = ConsumerSettings.builder(dir).index(2).maxAttempts(2)
                .retryBackoff(Duration.ZERO).build();
        try (TaskConsumer consumer = TaskConsumer.open(settings, replier)) {
            assertTrue(consumer.run(IdleStrategies.create("yielding"), true));
        }
        return dir;
    }

    private static CommandRun ok(String... args) {
        CommandRun run = CommandRun.of(args);
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.err(), run::toString);
        return run;
    }

    @Test
    void shouldPrintEachOutcomeOnceAsTextAndAsJson() throws Exception {
        String dir = finishedJob().toString();
        List<String> lines = ok("results", "--data-dir", dir).out().lines().toList();
        assertEquals(TASKS, lines.size(), String.join("\n", lines));
        assertTrue(lines.contains("seq 0  ok  slot 2  attempts 1  value 0  payload 0.5  body re: täsk 0"),
                lines::toString);
        assertTrue(lines.contains("seq 4  ok  slot 2  attempts 1  value 40  payload 0.5  body base64:/wD+"),
                lines::toString);
        assertTrue(lines.contains("seq 5  ok  slot 2  attempts 1  value 50  payload 0.5  body two\\nlines\\t\\\\"),
                lines::toString);
        assertTrue(lines.contains("seq 6  dead  slot 2  attempts 2  error java.lang.IllegalStateException: no reply "
                + "for seq 6"), lines::toString);

        Set<Long> seqs = new HashSet<>();
        for (String line : ok("results", "--json", "--data-dir", dir).out().lines().toList()) {
            JsonNode o = JSON.readTree(line);
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); )
                names.add(it.next());
            assertEquals(FIELDS, names, line);
            long seq = o.get("seq").asLong();
            assertTrue(seqs.add(seq), "once: " + line);
            if (seq == BINARY) {
                assertEquals("base64", o.get("bodyEncoding").asText());
                assertEquals(Base64.getEncoder().encodeToString(BINARY_BODY), o.get("body").asText());
            } else if (seq == DEAD) {
                assertEquals("dead", o.get("status").asText());
                assertEquals("java.lang.IllegalStateException: no reply for seq 6", o.get("body").asText());
            } else if (seq != MULTI_LINE) {
                assertEquals("ok", o.get("status").asText());
                assertEquals("utf-8", o.get("bodyEncoding").asText());
                assertEquals("re: täsk " + seq, o.get("body").asText());
                assertEquals(seq * 10, o.get("value").asLong());
            }
            assertEquals(2, o.get("slot").asInt());
        }
        assertEquals(TASKS, seqs.size());

        assertEquals(List.of("seq 17  ok  slot 2  attempts 1  value 170  payload 0.5  body re: täsk 17"),
                ok("results", "--seq", "17", "--data-dir", dir).out().lines().toList());
        assertEquals(TASKS - 25, ok("results", "--from", "25", "--data-dir", dir).out().lines().count());
        assertEquals(TASKS, ok("results", "--follow", "--data-dir", dir).out().lines().count(),
                "--follow stops once a sealed stream's every outcome is printed");
    }

    @Test
    void shouldSayWhenASeqHasNoOutcomeAndRefuseBadOptions() {
        String dir = finishedJob().toString();
        CommandRun none = CommandRun.of("results", "--seq", "99", "--timeout", "100ms", "--data-dir", dir);
        assertEquals(3, none.exitCode(), none::toString);
        assertEquals(List.of("taskq results: --seq 99: no outcome yet after waiting 100 ms (submitted 30)"),
                none.errLines());
        CommandRun timeout = CommandRun.of("results", "--timeout", "1s", "--data-dir", dir);
        assertEquals(2, timeout.exitCode(), timeout::toString);
        assertEquals(List.of("taskq results: --timeout: only with --seq N"), timeout.errLines());
        CommandRun both = CommandRun.of("results", "--seq", "1", "--follow", "--data-dir", dir);
        assertEquals(2, both.exitCode(), both::toString);
        assertEquals(List.of("taskq results: --seq: give it without --follow and --from"), both.errLines());
    }
}
