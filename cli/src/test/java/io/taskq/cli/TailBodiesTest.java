package io.taskq.cli;

import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code taskq tail} on tasks with bodies, through {@link Main} in this JVM: a UTF-8 body as a quoted string with its
 * control characters escaped, any other body in hex, no body field for a task without one, the other fields as
 * before.
 */
class TailBodiesTest {
    @TempDir
    Path tmp;

    private Path dataDirWith(byte[]... bodies) {
        Path dir = tmp.resolve("data");
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            producer.put(7, 2.5);
            for (byte[] body : bodies)
                producer.put(ByteBuffer.wrap(body));
            producer.seal();
        }
        return dir;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(120)
    void shouldShowTextBodiesQuotedWithControlCharactersEscapedAndOtherBodiesInHex() {
        Path dir = dataDirWith(utf8("hello world"), utf8("héllo\twörld ☃ 😀"),
                utf8("line\r\nbreak \"quoted\" back\\slash"), utf8("\u001b[31mred\u0000 \u007f\u0085\u2028"),
                new byte[]{0, 1, (byte) 0xff, (byte) 0xc3, 'a'}, utf8("true"), new byte[0]);

        CommandRun run = CommandRun.of("tail", "--data-dir", dir.toString());

        assertEquals(0, run.exitCode(), run::toString);
        List<String> bodies = run.out().lines().filter(l -> l.startsWith("  body: ")).toList();
        assertEquals(List.of(
                "  body: \"hello world\"",
                "  body: \"héllo\\twörld ☃ 😀\"",
                "  body: \"line\\r\\nbreak \\\"quoted\\\" back\\\\slash\"",
                "  body: \"\\u001b[31mred\\u0000 \\u007f\\u0085\\u2028\"",
                "  body: !hex \"00 01 ff c3 61\"",
                "  body: \"true\""), bodies, run::toString);
        // The task without a body and the one with an empty body show no body field; the rest is as before.
        String out = run.out();
        assertEquals(8, out.split("task: \\{", -1).length - 1, run::toString);
        for (String field : new String[]{"  seq: 0,", "  value: 7,", "  payload: 2.5", "  seq: 7,", "  value: 0,",
                "  payload: 0.0,", "  payload: 0.0\n}", "endOfStream: {", "  submitted: 8"})
            assertTrue(out.contains(field), () -> "'" + field + "' in\n" + run);
    }

    @Test
    @Timeout(120)
    void shouldKeepEachExcerptOnOneLineWithMinusL() {
        Path dir = dataDirWith(utf8("two\nlines"));

        CommandRun run = CommandRun.of("tail", "-l", "--data-dir", dir.toString());

        assertEquals(0, run.exitCode(), run::toString);
        List<String> tasks = run.out().lines().filter(l -> l.startsWith("task: {")).toList();
        assertEquals(2, tasks.size(), run::toString);
        assertTrue(tasks.get(1).contains("body: \"two\\nlines\"}"), run::toString);
    }
}
