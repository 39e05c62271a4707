package io.taskq.cli;


import java.util.Locale;

/** A minimal JSON writer for {@code status --json} and the demo: objects, arrays, strings and numbers. */
final class Json {
    private final StringBuilder sb = new StringBuilder();
    /** True after a complete value, so the next key or value needs a comma. */
    private boolean needComma;

    Json begin() {
        comma();
        sb.append('{');
        return this;
    }

    Json end() {
        sb.append('}');
        needComma = true;
        return this;
    }

    /** Starts an object as the value of field {@code name}; close it with {@link #end()}. */
    Json beginObject(String name) {
        key(name);
        sb.append('{');
        return this;
    }

    /** A string element of an array. */
    Json value(String value) {
        comma();
        string(value);
        needComma = true;
        return this;
    }

    Json beginArray(String name) {
        key(name);
        sb.append('[');
        return this;
    }

    Json endArray() {
        sb.append(']');
        needComma = true;
        return this;
    }

    Json field(String name, long value) {
        key(name);
        sb.append(value);
        needComma = true;
        return this;
    }

    Json field(String name, double value) {
        key(name);
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15)
            sb.append(String.format(Locale.ROOT, "%.1f", value));
        else if (Double.isFinite(value))
            sb.append(value);
        else
            sb.append("null");
        needComma = true;
        return this;
    }

    Json field(String name, boolean value) {
        key(name);
        sb.append(value);
        needComma = true;
        return this;
    }

    Json field(String name, String value) {
        key(name);
        string(value);
        needComma = true;
        return this;
    }

    private void key(String name) {
        comma();
        string(name);
        sb.append(':');
    }

    private void comma() {
        if (needComma)
            sb.append(',');
        needComma = false;
    }

    private void string(String s) {
        JsonStrings.append(sb, s);
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
