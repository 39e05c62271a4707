package io.taskq.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonStringsTest {
    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder();
        JsonStrings.append(sb, s);
        return sb.toString();
    }

    @Test
    void shouldQuoteAndEscapeWhatJsonRequires() {
        assertEquals("\"/var/taskq\"", quoted("/var/taskq"));
        assertEquals("\"a \\\"b\\\" c\\\\d\"", quoted("a \"b\" c\\d"));
        assertEquals("\"line\\nnext\\ttab\\u0001\"", quoted("line\nnext\ttab\u0001"));
    }
}
