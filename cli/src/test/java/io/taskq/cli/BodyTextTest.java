package io.taskq.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BodyTextTest {
    @Test
    void shouldQuoteTextEscapingQuotesBackslashesAndControlCharactersOnly() {
        assertEquals("\"plain\"", BodyText.quoted("plain"));
        assertEquals("\"héllo ☃ 😀\"", BodyText.quoted("héllo ☃ 😀"));
        assertEquals("\"a\\\"b\\\\c\"", BodyText.quoted("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\\u0000\\u001b\\u007f\\u0085\\u009f\\u2028\\u2029\"",
                BodyText.quoted("\n\r\t\b\f\u0000\u001b\u007f\u0085\u009f\u2028\u2029"));
        assertEquals("\"\u00a0\u00ff\"", BodyText.quoted("\u00a0\u00ff"), "printable Latin-1 stays");
    }

    @Test
    void escapeControlsShouldLeaveQuotesAndBackslashesAlone() {
        assertEquals("{\"a\": \"b\\\\n\"}\\n", BodyText.escapeControls("{\"a\": \"b\\\\n\"}\n"));
    }

    @Test
    void shouldWriteHexAsSpacedPairs() {
        assertEquals("", BodyText.hex(new byte[0]));
        assertEquals("00 0f 7f 80 ff", BodyText.hex(new byte[]{0, 15, 127, (byte) 0x80, (byte) 0xff}));
    }

    @Test
    void shouldTellTextFromOtherBytes() {
        assertTrue(BodyText.isText("héllo".getBytes(StandardCharsets.UTF_8)));
        assertTrue(BodyText.isText(new byte[]{0, 1, 2}), "control characters are still text, shown escaped");
        assertFalse(BodyText.isText(new byte[]{'a', (byte) 0xff}));
    }

    @Test
    void excerptShouldCutLongTextAtAWholeCharacterAndEscapeControls() {
        byte[] line = ("a\tb" + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
        assertEquals("a\\tb" + "x".repeat(54) + "...", BodyText.excerpt(line, 0, line.length, 60));
        byte[] emoji = "😀".repeat(40).getBytes(StandardCharsets.UTF_8);
        String cut = BodyText.excerpt(emoji, 0, emoji.length, 60);
        assertEquals("😀".repeat(28) + "...", cut, "never half a surrogate pair");
        assertEquals("ab", BodyText.excerpt("ab".getBytes(StandardCharsets.UTF_8), 0, 2, 60));
    }
}
