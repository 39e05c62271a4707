package io.taskq.cli;

import java.nio.charset.StandardCharsets;

/**
 * How task bodies and input lines are shown to a person: a body that is valid UTF-8 as a double-quoted string with its
 * control characters escaped, any other body as hex. Not on any hot path.
 */
final class BodyText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private BodyText() {
    }

    /** True if {@code body} is valid UTF-8 (then {@link #quoted} shows it), false if only {@link #hex} can. */
    static boolean isText(byte[] body) {
        return Utf8.invalidAt(body, 0, body.length) < 0;
    }

    /**
     * {@code text} between double quotes, with {@code "} and {@code \} escaped by a backslash and every control
     * character by {@link #escapeControls}: a string literal that YAML and JSON read back as {@code text}.
     */
    static String quoted(String text) {
        StringBuilder s = new StringBuilder(text.length() + 2).append('"');
        appendEscaped(s, text, true);
        return s.append('"').toString();
    }

    /**
     * {@code text} with every control character (U+0000..U+001F, U+007F..U+009F) and the line and paragraph
     * separators U+2028 and U+2029 escaped: {@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \f}, otherwise
     * {@code \}{@code uXXXX}. What is left prints on one line and cannot move a terminal's cursor or change its
     * colours.
     */
    static String escapeControls(String text) {
        StringBuilder s = new StringBuilder(text.length());
        appendEscaped(s, text, false);
        return s.toString();
    }

    /** The bytes as two lower-case hex digits each, separated by spaces: {@code 00 1f ff}. */
    static String hex(byte[] bytes) {
        if (bytes.length == 0)
            return "";
        StringBuilder s = new StringBuilder(bytes.length * 3 - 1);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0)
                s.append(' ');
            s.append(HEX[(bytes[i] >> 4) & 0xf]).append(HEX[bytes[i] & 0xf]);
        }
        return s.toString();
    }

    /**
     * The start of a bad input line for a one-line error: at most {@code max} characters of {@code bytes[from..to)}
     * (decoded as UTF-8, an invalid byte as U+FFFD), {@code ...} if cut, control characters escaped.
     */
    static String excerpt(byte[] bytes, int from, int to, int max) {
        // Four bytes at most per character: enough to fill max characters without decoding the whole line.
        String text = new String(bytes, from, Math.min(to - from, 4 * (max + 1)), StandardCharsets.UTF_8);
        if (text.length() > max) {
            int cut = max - 3;
            if (Character.isHighSurrogate(text.charAt(cut - 1)))
                cut--;
            text = text.substring(0, cut) + "...";
        }
        return escapeControls(text);
    }

    private static void appendEscaped(StringBuilder s, String text, boolean quotes) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case '\b' -> s.append("\\b");
                case '\f' -> s.append("\\f");
                case '"', '\\' -> {
                    if (quotes)
                        s.append('\\');
                    s.append(c);
                }
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029')
                        s.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    else
                        s.append(c);
                }
            }
        }
    }
}
