package io.taskq.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --format lines}: every line a task body, exactly as written, without its line ending. */
class LinesTaskReaderTest {
    private static final int MAX = 4096;

    static LinesTaskReader reader(byte[] bytes, int max) {
        return new LinesTaskReader(new ByteLines(new ByteArrayInputStream(bytes), "input tasks.txt", max,
                "queue.max-body-bytes"));
    }

    /** Every body of {@code text} as a string. */
    private static List<String> bodies(String text) throws IOException {
        return bodies(reader(text.getBytes(StandardCharsets.UTF_8), MAX));
    }

    static List<String> bodies(TaskSource r) throws IOException {
        List<String> bodies = new ArrayList<>();
        try (r) {
            while (r.next()) {
                assertEquals(0, r.value());
                assertEquals(0.0, r.payload());
                ByteBuffer body = r.body().duplicate();
                byte[] bytes = new byte[body.remaining()];
                body.get(bytes);
                bodies.add(new String(bytes, StandardCharsets.UTF_8));
            }
        }
        return bodies;
    }

    /** The message that stops reading {@code bytes}, after exactly {@code goodLinesFirst} tasks. */
    private static String malformed(byte[] bytes, int max, int goodLinesFirst) throws IOException {
        try (LinesTaskReader r = reader(bytes, max)) {
            for (int i = 0; i < goodLinesFirst; i++)
                assertTrue(r.next(), "task " + i + " before the bad line");
            return assertThrows(MalformedLine.class, r::next).getMessage();
        }
    }

    @Test
    void shouldYieldEveryLineAsABodyWithoutItsEnding() throws IOException {
        assertEquals(List.of("one", "two", "  three, with spaces\t"), bodies("one\ntwo\n  three, with spaces\t\n"));
        assertEquals(List.of("crlf", "lf", "crlf again"), bodies("crlf\r\nlf\ncrlf again\r\n"));
        assertEquals(List.of("héllo wörld ✓", "{\"json\": \"as text\"}"),
                bodies("héllo wörld ✓\n{\"json\": \"as text\"}\n"));
    }

    @Test
    void shouldCountALastLineWithoutANewlineAndNothingAfterAFinalNewline() throws IOException {
        assertEquals(List.of("a", "last"), bodies("a\nlast"));
        assertEquals(List.of("a"), bodies("a\n"));
        assertEquals(List.of(), bodies(""));
        assertEquals(List.of("only"), bodies("only"));
    }

    @Test
    void shouldMakeAnEmptyLineATaskWithAnEmptyBody() throws IOException {
        assertEquals(List.of("a", "", "b", ""), bodies("a\n\nb\n\n"));
        assertEquals(List.of("", ""), bodies("\r\n\n"));
        assertEquals(List.of(""), bodies("\n"));
    }

    @Test
    void shouldKeepACarriageReturnThatDoesNotEndTheLine() throws IOException {
        assertEquals(List.of("a\rb", "c\r"), bodies("a\rb\nc\r"));
    }

    @Test
    void shouldRefuseALineThatIsNotUtf8NamingTheLineAndTheByte() throws IOException {
        byte[] bytes = {'o', 'k', '\n', 'a', 'b', (byte) 0xff, 'c', '\n', 'x', '\n'};
        assertEquals("input tasks.txt line 2: not valid UTF-8 at byte 3 of the line (0xff)", malformed(bytes, MAX, 1));
        byte[] cut = {'a', '\n', (byte) 0xe2, (byte) 0x9c, '\n'};
        assertEquals("input tasks.txt line 2: not valid UTF-8 at byte 1 of the line (0xe2)", malformed(cut, MAX, 1));
    }

    @Test
    void shouldTakeALineOfExactlyTheLimitAndRefuseOneByteMoreNamingTheLimit() throws IOException {
        String five = "12345";
        assertEquals(List.of(five, five, five), bodies(reader((five + "\n" + five + "\r\n" + five).getBytes(
                StandardCharsets.US_ASCII), 5)));
        assertEquals("input tasks.txt line 2 '123456': longer than queue.max-body-bytes=5 bytes",
                malformed("12345\n123456\n".getBytes(StandardCharsets.US_ASCII), 5, 1));
        assertEquals("input tasks.txt line 1 '123456': longer than queue.max-body-bytes=5 bytes",
                malformed("123456".getBytes(StandardCharsets.US_ASCII), 5, 0));
        assertEquals(List.of("1234\r"), bodies(reader("1234\r\r\n".getBytes(StandardCharsets.US_ASCII), 5)));
        assertEquals("input tasks.txt line 1 '12345\\r': longer than queue.max-body-bytes=5 bytes",
                malformed("12345\r\r\n".getBytes(StandardCharsets.US_ASCII), 5, 0));
        assertEquals(List.of(""), bodies(reader("\n".getBytes(StandardCharsets.US_ASCII), 0)));
        assertEquals("input tasks.txt line 2 'x': longer than queue.max-body-bytes=0 bytes",
                malformed("\nx\n".getBytes(StandardCharsets.US_ASCII), 0, 1));
    }

    @Test
    void shouldStopAtALongLineWithoutReadingTheRestOfIt() throws IOException {
        byte[] huge = new byte[10 * ByteLines.CHUNK_BYTES];
        java.util.Arrays.fill(huge, (byte) 'x');
        CountingStream in = new CountingStream(new ByteArrayInputStream(huge));
        try (LinesTaskReader r = new LinesTaskReader(new ByteLines(in, "stdin", 100, "queue.max-body-bytes"))) {
            String message = assertThrows(MalformedLine.class, r::next).getMessage();
            assertEquals("stdin line 1 '" + "x".repeat(57) + "...': longer than queue.max-body-bytes=100 bytes",
                    message);
        }
        assertEquals(ByteLines.CHUNK_BYTES, in.read, "one chunk read, not the whole line");
    }

    @Test
    void shouldReadLinesLongerThanAChunkAndLinesSplitAcrossReadsWhole() throws IOException {
        String longLine = "L".repeat(3 * ByteLines.CHUNK_BYTES + 17);
        String text = "short\n" + longLine + "\r\n\nend";
        List<String> expected = List.of("short", longLine, "", "end");
        int max = longLine.length();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(expected, bodies(reader(bytes, max)));
        // A stream that hands out a few bytes at a time splits every line and every \r\n across reads.
        for (int step : new int[]{1, 2, 3, 7}) {
            InputStream trickle = new FilterInputStream(new ByteArrayInputStream(bytes)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return super.read(b, off, Math.min(len, step));
                }
            };
            assertEquals(expected, bodies(new LinesTaskReader(new ByteLines(trickle, "stdin", max,
                    "queue.max-body-bytes"))), "reads of " + step + " bytes");
        }
    }

    @Test
    void shouldHandOutOneReusedViewOfTheReadBuffer() throws IOException {
        try (LinesTaskReader r = reader("a\nbb\n".getBytes(StandardCharsets.US_ASCII), MAX)) {
            assertTrue(r.next());
            ByteBuffer first = r.body();
            assertEquals(1, first.remaining());
            assertTrue(r.next());
            assertSame(first, r.body(), "no buffer per line");
            assertEquals(2, r.body().remaining());
            assertFalse(r.next());
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingStream extends FilterInputStream {
        long read;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0)
                read += n;
            return n;
        }
    }
}
