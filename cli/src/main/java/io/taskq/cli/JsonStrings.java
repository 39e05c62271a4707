package io.taskq.cli;

import java.util.Locale;

/**
 * JSON string literals for the bench module's hand-written JSON ({@code bench --json}). The commands of this module
 * write their JSON with Jackson ({@link JsonOutput}); this class goes once the bench module does too.
 */
public final class JsonStrings {
    private JsonStrings() {
    }

    /** Appends {@code s} to {@code sb} as a quoted JSON string, escaping quotes, backslashes and control characters. */
    public static void append(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20)
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else
                        sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
