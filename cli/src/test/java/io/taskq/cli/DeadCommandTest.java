package io.taskq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskq.common.Await;
import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.wire.DeadLetter;
import io.taskq.consumer.ConsumerSettings;
import io.taskq.consumer.TaskConsumer;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code taskq dead}, {@code dead retry} and {@code dead purge} on dead letters made for real: a producer puts
 * {@link #TASKS} tasks, and a consumer in this JVM whose handler always throws for {@link #FAILING} gives up on them
 * after two attempts. The commands then run through {@link Main} as a user runs them.
 */
@Timeout(120)
class DeadCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TASKS = 20;
    /** Dead with a UTF-8 body. */
    private static final long TEXT_BODY = 3;
    /** Dead with a body that is not UTF-8. */
    private static final long BINARY_BODY = 7;
    /** Dead with no body, and an error message too long for one line, over two lines. */
    private static final long NO_BODY = 11;
    private static final Set<Long> FAILING = Set.of(TEXT_BODY, BINARY_BODY, NO_BODY);
    private static final String LONG_MESSAGE = "first line\nsecond line " + "x".repeat(200);
    private static final List<String> FIELDS = List.of("seq", "attempts", "error", "errorClass", "errorMessage",
            "stack", "value", "payload", "slot", "failedAt", "failedAtMillis", "retriedAs", "body", "bodyEncoding");
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @TempDir
    Path tmp;

    /** A task the handler finished: what it was given. */
    private record Handled(int value, double payload, byte[] body) {
    }

    /** Every task handled without an error, by seq. */
    private final Map<Long, Handled> handled = new HashMap<>();

    private final TaskHandler failing = new TaskHandler() {
        @Override
        public String name() {
            return "fails-some";
        }

        @Override
        public void handle(Task task, TaskResult result) {
            if (task.seq() == NO_BODY)
                throw new IllegalArgumentException(LONG_MESSAGE);
            if (FAILING.contains(task.seq()))
                throw new IllegalStateException("boom " + task.seq());
            handled.put(task.seq(), new Handled(task.value(), task.payload(), task.bodyBytes()));
            result.set(task.value() + 1, task.payload() * 2);
        }
    };

    private static int value(long seq) {
        return (int) seq * 10 + 1;
    }

    private static double payload(long seq) {
        return seq * 0.5 + 0.25;
    }

    private static byte[] body(long seq) {
        if (seq == BINARY_BODY)
            return new byte[]{(byte) 0xff, 0, (byte) 0xfe, (byte) 0x80};
        if (seq == NO_BODY)
            return new byte[0];
        return ("héllo wörld ☃ " + seq).getBytes(StandardCharsets.UTF_8);
    }

    /** The data directory with {@link #TASKS} tasks, every one finished: {@link #FAILING} dead, the rest done. */
    private Path deadLetters(boolean seal) {
        Path dir = tmp.resolve("data");
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            for (long seq = 0; seq < TASKS; seq++)
                assertEquals(seq, producer.put(value(seq), payload(seq), body(seq)));
            if (seal)
                assertEquals(TASKS, producer.seal());
        }
        consume(dir, seal ? Progress::allDone : p -> p.doneUpTo(TASKS));
        Progress p = progress(dir);
        assertEquals(FAILING.size(), p.dead(), "dead");
        assertEquals(TASKS - FAILING.size(), p.done(), "done");
        return dir;
    }

    /** Runs a consumer with two attempts per task and no backoff, in this thread, until {@code finished} holds. */
    private void consume(Path dir, Predicate<Progress> finished) {
        ConsumerSettings settings = ConsumerSettings.builder(dir).index(0).maxAttempts(2)
                .retryBackoff(Duration.ZERO).build();
        try (TaskConsumer consumer = TaskConsumer.open(settings, failing);
             DataDirectory data = open(dir)) {
            assertTrue(Await.FAST.until(Duration.ofSeconds(60), () -> {
                consumer.doWork();
                return finished.test(Progress.read(data));
            }), () -> "tasks finished: " + Progress.read(data));
        }
    }

    private static DataDirectory open(Path dir) {
        return DataDirectory.openExisting(dir, RollCycles.FAST_DAILY);
    }

    private static Progress progress(Path dir) {
        try (DataDirectory data = open(dir)) {
            return Progress.read(data);
        }
    }

    private static List<DeadLetter> listed(Path dir) {
        try (DataDirectory data = open(dir)) {
            return data.deadLetters().list();
        }
    }

    /** A command that must succeed: exit 0, nothing on stderr. */
    private static CommandRun ok(String... args) {
        CommandRun run = CommandRun.of(args);
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.err(), run::toString);
        return run;
    }

    /** Exit 2, nothing on stdout, and exactly {@code line} on stderr. */
    private static void assertRefused(String line, String... args) {
        CommandRun run = CommandRun.of(args);
        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(List.of(line), run.errLines(), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    /** What a refusal must leave as it was: the dead letters (with their put-backs) and the stream. */
    private static String state(Path dir) {
        Progress p = progress(dir);
        return ok("dead", "--json", "--data-dir", dir.toString()).out() + "submitted " + p.submitted() + ", sealed "
                + p.sealedCount() + ", dead " + p.dead();
    }

    private static List<JsonNode> jsonLines(String out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.lines().toList())
            lines.add(JSON.readTree(line));
        return lines;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode bySeq(List<JsonNode> lines, long seq) {
        return lines.stream().filter(l -> l.get("seq").asLong() == seq).findFirst().orElseThrow();
    }

    @Test
    void shouldListEachDeadTaskOnOneLineOldestFirst() {
        Path dir = deadLetters(true);
        List<DeadLetter> died = listed(dir);
        assertEquals(FAILING, Set.copyOf(died.stream().map(d -> d.seq).toList()));
        CommandRun run = ok("dead", "--data-dir", dir.toString());
        List<String> lines = run.out().lines().toList();
        assertEquals("3 dead tasks in " + dir + " (oldest first; times in UTC)", lines.get(0), run::toString);
        assertEquals(1 + died.size(), lines.size(), run::toString);
        for (int i = 0; i < died.size(); i++) {
            DeadLetter d = died.get(i);
            String line = lines.get(1 + i);
            assertTrue(line.matches("seq " + d.seq + " {2}attempts 2 {2}died " + TIME + " {2}.*"), line);
            assertTrue(line.contains("died " + DeadLetterReport.utc(d.failedAtMillis) + "  "), line);
            assertTrue(line.length() <= DeadCommand.LINE_WIDTH, line);
            if (d.seq == NO_BODY)
                assertTrue(line.matches(".*  IllegalArgumentException: first line second line x+\\.\\.\\."), line);
            else
                assertTrue(line.endsWith("  IllegalStateException: boom " + d.seq), line);
        }
        String shortened = lines.stream().filter(l -> l.startsWith("seq " + NO_BODY + " ")).findFirst().orElseThrow();
        assertEquals(DeadCommand.LINE_WIDTH, shortened.length(), "shortened to fit: " + shortened);
        for (int i = 1; i < died.size(); i++)
            assertTrue(died.get(i - 1).failedAtMillis <= died.get(i).failedAtMillis, "oldest first");
    }

    @Test
    void shouldWriteEveryDeadTaskAsOneJsonLineWithItsBody() throws IOException {
        Path dir = deadLetters(true);
        CommandRun run = ok("dead", "--json", "--data-dir", dir.toString());
        List<JsonNode> lines = jsonLines(run.out());
        assertEquals(3, lines.size(), run::toString);
        assertEquals(listed(dir).stream().map(d -> d.seq).toList(),
                lines.stream().map(l -> l.get("seq").asLong()).toList(), "in the order they died");
        for (JsonNode line : lines) {
            assertEquals(FIELDS, names(line), line::toString);
            long seq = line.get("seq").asLong();
            assertEquals(2, line.get("attempts").asInt(), line::toString);
            assertEquals(value(seq), line.get("value").asInt(), line::toString);
            assertEquals(payload(seq), line.get("payload").asDouble(), line::toString);
            assertEquals(0, line.get("slot").asInt(), line::toString);
            assertEquals(Instant.ofEpochMilli(line.get("failedAtMillis").asLong()),
                    Instant.parse(line.get("failedAt").asText()), line::toString);
            assertTrue(line.get("failedAt").asText().matches(TIME), line::toString);
            assertTrue(line.get("retriedAs").isArray() && line.get("retriedAs").isEmpty(), line::toString);
            assertTrue(line.get("stack").isArray() && !line.get("stack").isEmpty(), line::toString);
            assertTrue(line.get("stack").get(0).asText().startsWith("at "), line::toString);
        }
        JsonNode text = bySeq(lines, TEXT_BODY);
        assertEquals("java.lang.IllegalStateException: boom 3", text.get("error").asText());
        assertEquals("java.lang.IllegalStateException", text.get("errorClass").asText());
        assertEquals("boom 3", text.get("errorMessage").asText());
        assertEquals("héllo wörld ☃ 3", text.get("body").asText());
        assertEquals("utf-8", text.get("bodyEncoding").asText());
        assertTrue(run.out().contains("\"payload\":1.75,"), run::toString);

        JsonNode binary = bySeq(lines, BINARY_BODY);
        assertEquals("base64", binary.get("bodyEncoding").asText());
        assertArrayEquals(body(BINARY_BODY), Base64.getDecoder().decode(binary.get("body").asText()));

        JsonNode none = bySeq(lines, NO_BODY);
        assertEquals("", none.get("body").asText());
        assertEquals("utf-8", none.get("bodyEncoding").asText());
        assertEquals("java.lang.IllegalArgumentException: " + LONG_MESSAGE, none.get("error").asText());
        assertEquals(LONG_MESSAGE, none.get("errorMessage").asText(), "the whole message, not shortened");
    }

    @Test
    void shouldShowOnlyTheOldestWithLimit() throws IOException {
        Path dir = deadLetters(true);
        List<DeadLetter> died = listed(dir);
        CommandRun two = ok("dead", "--limit", "2", "--data-dir", dir.toString());
        List<String> lines = two.out().lines().toList();
        assertEquals("3 dead tasks in " + dir + ", the oldest 2 shown (oldest first; times in UTC)", lines.get(0));
        assertEquals(3, lines.size(), two::toString);
        assertTrue(lines.get(1).startsWith("seq " + died.get(0).seq + "  "), two::toString);
        assertTrue(lines.get(2).startsWith("seq " + died.get(1).seq + "  "), two::toString);

        List<JsonNode> one = jsonLines(ok("dead", "--json", "--limit", "1", "--data-dir", dir.toString()).out());
        assertEquals(1, one.size());
        assertEquals(died.get(0).seq, one.get(0).get("seq").asLong());

        assertEquals(4, ok("dead", "--limit", "5", "--data-dir", dir.toString()).out().lines().count());
        assertRefused("taskq dead: --limit=0: must be a count, a whole number >= 1",
                "dead", "--limit", "0", "--data-dir", dir.toString());
    }

    @Test
    void shouldSaySoWhenNoTaskIsDead() {
        Path dir = tmp.resolve("data");
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            producer.put(1, 1.0);
        }
        assertEquals("no dead tasks in " + dir + "\n", ok("dead", "--data-dir", dir.toString()).out());
        assertEquals("", ok("dead", "--json", "--data-dir", dir.toString()).out());
        assertEquals("no dead task to put back in " + dir + " (0 dead tasks)\n",
                ok("dead", "retry", "--all", "--data-dir", dir.toString()).out());
        assertEquals("no dead letters to purge in " + dir + "\n",
                ok("dead", "purge", "--yes", "--data-dir", dir.toString()).out());
        assertFalse(Files.exists(dir.resolve("dead")), "nothing written");
    }

    @Test
    void shouldPutBackExactlyTheChosenTasksAsNewTasks() {
        Path dir = deadLetters(false);
        CommandRun retry = ok("dead", "retry", "--seq", "7", "--seq", "3", "--data-dir", dir.toString());
        assertEquals(List.of("seq 7 -> new seq 20", "seq 3 -> new seq 21",
                "put back 2 dead tasks as new tasks; 22 tasks submitted now"), retry.out().lines().toList());
        assertEquals(TASKS + 2, progress(dir).submitted());

        consume(dir, p -> p.doneUpTo(TASKS + 2));
        assertEquals(Set.of(20L, 21L), Set.copyOf(handled.keySet().stream().filter(seq -> seq >= TASKS).toList()));
        for (long[] pair : new long[][]{{BINARY_BODY, 20}, {TEXT_BODY, 21}}) {
            Handled again = handled.get(pair[1]);
            assertEquals(value(pair[0]), again.value(), "value of seq " + pair[0]);
            assertEquals(payload(pair[0]), again.payload(), "payload of seq " + pair[0]);
            assertArrayEquals(body(pair[0]), again.body(), "body of seq " + pair[0]);
        }
        Progress p = progress(dir);
        assertEquals(TASKS + 2 - FAILING.size(), p.done());
        assertEquals(FAILING.size(), p.dead(), "the old ones stay counted dead");

        String listing = ok("dead", "--data-dir", dir.toString()).out();
        assertTrue(listing.lines().anyMatch(l -> l.matches("seq 7  attempts 2  died " + TIME
                + "  retried as 20  IllegalStateException: boom 7")), listing);
        assertTrue(listing.lines().anyMatch(l -> l.matches("seq 3  .*  retried as 21  .*")), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("seq 11  ") && !l.contains("retried")), listing);

        CommandRun all = ok("dead", "retry", "--all", "--data-dir", dir.toString());
        assertEquals(List.of("seq 11 -> new seq 22", "put back 1 dead task as new tasks; 23 tasks submitted now"),
                all.out().lines().toList(), "only the one not put back yet");
        assertEquals("no dead task to put back in " + dir + " (3 dead tasks, all put back already)\n",
                ok("dead", "retry", "--all", "--data-dir", dir.toString()).out());
        assertEquals(TASKS + 3, progress(dir).submitted());
    }

    @Test
    void shouldRefuseABadRetryWithOneLineAndChangeNothing() throws IOException {
        Path dir = deadLetters(false);
        String d = dir.toString();
        ok("dead", "retry", "--seq", "11", "--data-dir", d);
        String before = state(dir);
        assertRefused("taskq dead retry: give exactly one of --seq N (repeatable) or --all", "dead", "retry",
                "--data-dir", d);
        assertRefused("taskq dead retry: give exactly one of --seq N (repeatable) or --all", "dead", "retry",
                "--seq", "7", "--all", "--data-dir", d);
        assertRefused("taskq dead retry: --seq 7 given twice", "dead", "retry", "--seq", "7", "--seq", "3",
                "--seq", "7", "--data-dir", d);
        assertRefused("taskq dead retry: seq 4 is not a dead task in " + d + " (taskq dead lists them)",
                "dead", "retry", "--seq", "7", "--seq", "4", "--data-dir", d);
        assertRefused("taskq dead retry: seqs 4, 20 are not dead tasks in " + d + " (taskq dead lists them)",
                "dead", "retry", "--seq", "4", "--seq", "7", "--seq", "20", "--data-dir", d);
        assertRefused("taskq dead retry: seq 11 was put back already, as new seq 20 (if that one died too, retry it "
                + "by its own seq)", "dead", "retry", "--seq", "7", "--seq", "11", "--data-dir", d);
        assertRefused("taskq dead retry: --seq=-3: must be a task seq, a whole number >= 0",
                "dead", "retry", "--seq", "-3", "--data-dir", d);
        assertRefused("taskq dead retry: give --data-dir after 'retry', not before it",
                "dead", "--data-dir", d, "retry", "--seq", "7");

        Path config = tmp.resolve("small-bodies.yaml");
        Files.writeString(config, "queue:\n  max-body-bytes: 8\n");
        assertRefused("taskq dead retry: seq 3 has a body of " + body(TEXT_BODY).length + " bytes, more than "
                + "queue.max-body-bytes=8", "dead", "retry", "--seq", "7", "--seq", "3", "--config", config.toString(),
                "--data-dir", d);
        assertEquals(before, state(dir), "nothing changed");
    }

    @Test
    void shouldRefuseToPutBackIntoASealedStream() {
        Path dir = deadLetters(true);
        String before = state(dir);
        assertRefused("taskq dead retry: the stream in " + dir + " is sealed at 20 tasks, and puts are refused after "
                + "a seal", "dead", "retry", "--all", "--data-dir", dir.toString());
        assertRefused("taskq dead retry: the stream in " + dir + " is sealed at 20 tasks, and puts are refused after "
                + "a seal", "dead", "retry", "--seq", "3", "--data-dir", dir.toString());
        assertEquals(before, state(dir), "nothing changed");
    }

    @Test
    void shouldRefuseADataDirectoryThatDoesNotExistAndCreateNothing() {
        Path none = tmp.resolve("none");
        String line = "data directory " + none + ": does not exist (start a producer or consumer first, or pass "
                + "--data-dir)";
        assertRefused("taskq dead: " + line, "dead", "--data-dir", none.toString());
        assertRefused("taskq dead retry: " + line, "dead", "retry", "--all", "--data-dir", none.toString());
        assertRefused("taskq dead purge: " + line, "dead", "purge", "--yes", "--data-dir", none.toString());
        assertFalse(Files.exists(none));
    }

    @Test
    void shouldPurgeOnlyWithYes() {
        Path dir = deadLetters(true);
        String d = dir.toString();
        String before = state(dir);
        assertRefused("taskq dead purge: refusing without --yes (it hides 3 dead letters for good)",
                "dead", "purge", "--data-dir", d);
        assertEquals(before, state(dir), "nothing changed");

        assertEquals("purged 3 dead letters in " + d + ": taskq dead no longer lists them\n",
                ok("dead", "purge", "--yes", "--data-dir", d).out());
        assertEquals("no dead tasks in " + d + "\n", ok("dead", "--data-dir", d).out());
        assertEquals("", ok("dead", "--json", "--data-dir", d).out());
        assertEquals(FAILING.size(), progress(dir).dead(), "the slots still count them");
        assertRefused("taskq dead purge: refusing without --yes (it hides 0 dead letters for good)",
                "dead", "purge", "--data-dir", d);
        assertEquals("no dead letters to purge in " + d + "\n", ok("dead", "purge", "--yes", "--data-dir", d).out());
    }
}
