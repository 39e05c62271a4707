package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Real work in, real results out, across processes: a file's lines piped into {@code taskq produce --input - --format
 * lines --seal}, three consumers running the {@code sha256} example handler, two of them killed with SIGKILL in the
 * middle (one restarted with its index, one abandoned so that its batch is adopted), and {@code taskq results --json}
 * printing exactly one outcome per line: the SHA-256 of that line's text without its line ending.
 */
class ResultsAcrossProcessesTest extends ProcessTest {
    private static final int LINES = 20_000;
    private static final Path EXAMPLES_JAR =
            Taskq.PROJECT_ROOT.resolve("examples/handler-example/target/taskq-handler-example.jar");
    private static final Map<String, String> ENV = Map.of("TASKQ_CLASSPATH", EXAMPLES_JAR.toString(),
            "TASKQ_CONSUMER_HANDLER", "sha256", "TASKQ_CONSUMER_HEARTBEAT", "100ms", "TASKQ_CONSUMER_LEASE", "1s");

    @Test
    @Timeout(300)
    void shouldGiveExactlyOneChecksumPerLineWhileConsumersAreKilled() throws Exception {
        List<String> lines = new ArrayList<>(LINES);
        for (int i = 0; i < LINES; i++)
            lines.add(i % 997 == 0 ? "" : "line " + i + " héllo ☃ " + Integer.toHexString(i * 7919));
        Path file = tmp.resolve("lines.txt");
        Files.writeString(file, String.join("\r\n", lines) + "\n", StandardCharsets.UTF_8);
        Path data = tmp.resolve("data");

        List<TaskqProcess> consumers = startConsumers(data, 3, ENV);
        // Paced, so that the kills land while tasks arrive: about 4 s of input.
        TaskqProcess produce = taskq.startWrapped("produce", Map.of(),
                List.of("sh", "-c", "cat \"$0\" | exec \"$@\"", file.toString()),
                "produce", "--input", "-", "--format", "lines", "--rate", "5000", "--seal",
                "--data-dir", data.toString());
        try (ProgressProbe probe = ProgressProbe.open(data, Duration.ofSeconds(30))) {
            probe.await(Duration.ofSeconds(60), "a quarter of the lines done", p -> p.done() >= LINES / 4,
                    consumers.toArray(TaskqProcess[]::new));
            consumers.get(0).kill();
            assertEquals(137, consumers.get(0).awaitExit(Duration.ofSeconds(30)));
            consumers.set(0, taskq.start("consumer-0-restarted", ENV, "consume", "--index", "0", "--exit-on-eos",
                    "--data-dir", data.toString()));
            probe.await(Duration.ofSeconds(60), "half of the lines done", p -> p.done() >= LINES / 2,
                    consumers.get(1), consumers.get(2));
            consumers.get(1).kill(); // abandoned: its batch is adopted once the lease is over
            assertEquals(137, consumers.get(1).awaitExit(Duration.ofSeconds(30)));
        }
        assertEquals(0, produce.awaitExit(Duration.ofSeconds(120)), produce::describe);
        TaskqProcess join = taskq.run("join", "join", "--all", "--timeout", "120s", "--data-dir", data.toString());
        assertEquals(0, join.exitCode(), join::describe);
        for (int k : new int[]{0, 2})
            assertEquals(0, consumers.get(k).awaitExit(Duration.ofSeconds(60)), consumers.get(k)::describe);

        TaskqProcess results = taskq.runOk("results", "results", "--json", "--data-dir", data.toString());
        ObjectMapper json = new ObjectMapper();
        String[] bySeq = new String[LINES];
        long count = 0;
        for (String line : results.stdout().lines().toList()) {
            JsonNode o = json.readTree(line);
            int seq = o.get("seq").asInt();
            assertEquals("ok", o.get("status").asText(), line);
            assertEquals(null, bySeq[seq], () -> "one outcome for seq " + seq + ": " + line);
            bySeq[seq] = o.get("body").asText();
            count++;
        }
        assertEquals(LINES, count, "one outcome per line");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < LINES; i++)
            assertEquals(HexFormat.of().formatHex(sha256.digest(lines.get(i).getBytes(StandardCharsets.UTF_8))),
                    bySeq[i], "line " + i);
        JsonNode status = taskq.status(data);
        assertEquals(LINES, status.get("done").asLong(), status::toString);
        assertEquals(0, status.get("dead").asLong(), status::toString);
    }
}
