package io.taskq.bench;

import io.taskq.cli.JsonStrings;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes nested maps, lists, strings, numbers and booleans as JSON, for {@code bench --json}. */
final class JsonText {
    private JsonText() {
    }

    static String of(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, 0);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object value, int depth) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(first ? "" : ",").append('\n').append("  ".repeat(depth + 1));
                string(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                append(sb, e.getValue(), depth + 1);
                first = false;
            }
            sb.append(first ? "" : "\n" + "  ".repeat(depth)).append('}');
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0)
                    sb.append(", ");
                append(sb, list.get(i), depth + 1);
            }
            sb.append(']');
        } else if (value instanceof Double d) {
            if (!Double.isFinite(d))
                sb.append("null");
            else if (d == Math.rint(d) && Math.abs(d) < 1e15)
                sb.append((long) (double) d);
            else
                sb.append(String.format(Locale.ROOT, "%.3f", d));
        } else if (value instanceof Number || value instanceof Boolean) {
            sb.append(value);
        } else {
            string(sb, value.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        JsonStrings.append(sb, s);
    }
}
