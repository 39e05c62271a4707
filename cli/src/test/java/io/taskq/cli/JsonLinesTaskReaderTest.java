package io.taskq.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --format jsonl}: each line one JSON value whose text, as written, is the body; blank lines skipped; anything
 * else stops at its line.
 */
class JsonLinesTaskReaderTest {
    private static JsonLinesTaskReader reader(byte[] bytes, int max) {
        return new JsonLinesTaskReader(new ByteLines(new ByteArrayInputStream(bytes), "input events.jsonl", max,
                "queue.max-body-bytes"));
    }

    private static List<String> bodies(String text) throws IOException {
        return LinesTaskReaderTest.bodies(reader(text.getBytes(StandardCharsets.UTF_8), 4096));
    }

    /** The message that stops reading {@code text}, after exactly {@code goodLinesFirst} tasks. */
    private static String malformed(String text, int goodLinesFirst) throws IOException {
        return malformed(text.getBytes(StandardCharsets.UTF_8), 4096, goodLinesFirst);
    }

    private static String malformed(byte[] bytes, int max, int goodLinesFirst) throws IOException {
        try (JsonLinesTaskReader r = reader(bytes, max)) {
            for (int i = 0; i < goodLinesFirst; i++)
                assertTrue(r.next(), "task " + i + " before the bad line");
            return assertThrows(MalformedLine.class, r::next).getMessage();
        }
    }

    @Test
    void shouldYieldEachLinesValueAsWrittenWhateverItsType() throws IOException {
        List<String> values = List.of("{\"id\": 1, \"tags\": [\"a\", \"b\"], \"nested\": {\"x\": null}}",
                "[1, 2.5e3, -0]",
                "\"just a string with \\\"quotes\\\" and \\u00e9\"", "42", "-1.5", "true", "false", "null", "{}", "[]",
                "  {\"padded\": true}  ", "{\"text\": \"héllo ✓\"}");
        assertEquals(values, bodies(String.join("\n", values) + "\n"));
    }

    @Test
    void shouldHandleCrLfAndALastLineWithoutNewlineEvenWhenItEndsInANumber() throws IOException {
        assertEquals(List.of("{\"a\":1}", "2", "3"), bodies("{\"a\":1}\r\n2\r\n3"));
        assertEquals(List.of("12345"), bodies("12345"));
        assertEquals(List.of("true"), bodies("true"));
        assertEquals(List.of("1", "\"s\"", "null"), bodies("1\n\"s\"\nnull"));
        assertEquals(List.of("1", "-2.5e-3"), bodies("1\n-2.5e-3"));
        assertEquals(List.of(), bodies(""));
    }

    @Test
    void shouldSkipBlankLinesButCountThemInLineNumbers() throws IOException {
        assertEquals(List.of("1", "2", "3"), bodies("\n1\n\n  \t \n2\r\n\r\n3\n\n"));
        assertEquals("input events.jsonl line 5 '{': the JSON value does not end on this line",
                malformed("1\n\n \n2\n{\n}\n", 2));
    }

    @Test
    void shouldRefuseTextAfterTheValue() throws IOException {
        assertEquals("input events.jsonl line 2 '{\"a\": 1} x': not JSON: Unexpected character ('x' (code 120)): "
                        + "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or "
                        + "'false') (column 10)",
                malformed("{\"a\": 0}\n{\"a\": 1} x\n", 1));
        assertEquals("input events.jsonl line 1 '{\"a\": 1},': not JSON: Unexpected character (',' (code 44)): "
                + "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false') "
                + "(column 9)", malformed("{\"a\": 1},\n", 0));
    }

    @Test
    void shouldRefuseTwoValuesOnOneLine() throws IOException {
        assertEquals("input events.jsonl line 1 '1 2': more than one JSON value on the line", malformed("1 2\n", 0));
        assertEquals("input events.jsonl line 2 '{}{}': more than one JSON value on the line",
                malformed("{}\n{}{}\n", 1));
        assertEquals("input events.jsonl line 1 '\"a\" \"b\"': more than one JSON value on the line",
                malformed("\"a\" \"b\"", 0));
    }

    @Test
    void shouldRefuseAValueThatGoesOnPastTheEndOfItsLine() throws IOException {
        assertEquals("input events.jsonl line 1 '{\"a\":': the JSON value does not end on this line",
                malformed("{\"a\":\n1}\n", 0));
        assertEquals("input events.jsonl line 3 '[1,': the JSON value does not end on this line",
                malformed("[]\n[0]\n[1,\n2]\n", 2));
        assertEquals("input events.jsonl line 1 '[1,': the JSON value does not end on this line",
                malformed("[1,", 0));
    }

    @Test
    void shouldRefuseWhatIsNotJsonNamingTheLineAndWhatJacksonFound() throws IOException {
        assertEquals("input events.jsonl line 3 '{\"a\": 1,}': not JSON: Unexpected character ('}' (code 125)): "
                + "was expecting double-quote to start field name (column 9)", malformed("1\n2\n{\"a\": 1,}\n", 2));
        assertEquals("input events.jsonl line 1 'plain text': not JSON: Unexpected character ('p' (code 112)): "
                        + "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or "
                        + "'false') (column 1)",
                malformed("plain text\n", 0));
        assertEquals("input events.jsonl line 1 '{'a': 1}': not JSON: Unexpected character (''' (code 39)): was "
                + "expecting double-quote to start field name (column 2)", malformed("{'a': 1}\n", 0));
        assertEquals("input events.jsonl line 1 'NaN': not JSON: Non-standard token 'NaN': enable "
                + "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow (column 4)", malformed("NaN\n", 0));
    }

    @Test
    void shouldRefuseInvalidUtf8AndOverlongLinesLikeTheLinesFormat() throws IOException {
        byte[] bad = {'1', '\n', '"', (byte) 0xc3, '"', '\n'};
        assertEquals("input events.jsonl line 2: not valid UTF-8 at byte 2 of the line (0xc3)",
                malformed(bad, 4096, 1));
        assertEquals("input events.jsonl line 2 '\"123456\"': longer than queue.max-body-bytes=7 bytes",
                malformed("\"12345\"\n\"123456\"\n".getBytes(StandardCharsets.US_ASCII), 7, 1));
    }

    @Test
    void shouldEscapeControlCharactersOfABadLineInTheMessage() throws IOException {
        assertEquals("input events.jsonl line 1 '\\u001b[31m': not JSON: Illegal character ((CTRL-CHAR, code 27)): "
                + "only regular white space (\\r, \\n, \\t) is allowed between tokens (column 2)",
                malformed("\u001b[31m\n", 0));
    }
}
