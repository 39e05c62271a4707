package io.taskq.cli;

import io.taskq.common.TaskQException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tasks from CSV text, one {@code value,payload} line each ({@code int}, finite {@code double}), for
 * {@code taskq produce --input}. Blank lines, lines starting with {@code #} and a {@code value,payload} header on the
 * first line are skipped. A line that is not a task stops the reading with {@link MalformedLine}, which names the
 * input, the line number, the line and what is wrong. Not thread-safe.
 */
final class CsvTaskReader implements TaskSource {
    /** The longest excerpt of a bad line that a message quotes. */
    private static final int QUOTED_MAX = 60;

    private final BufferedReader in;
    private final String name;
    private long lineNo;
    private int value;
    private double payload;

    /**
     * @param in   the text, closed by {@link #close()}
     * @param name the input in messages: {@code stdin} or {@code input FILE}
     */
    CsvTaskReader(BufferedReader in, String name) {
        this.in = in;
        this.name = name;
    }

    /**
     * Opens {@code input}, a file name or {@code -} for standard input.
     *
     * @throws TaskQException (exit code 2) naming {@code --input} if the file cannot be read
     */
    static CsvTaskReader open(String input) {
        if (input.equals("-"))
            return new CsvTaskReader(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                    "stdin");
        try {
            return new CsvTaskReader(Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8), "input " + input);
        } catch (IOException e) {
            throw TaskQException.usage("taskq produce: --input " + input + ": cannot read it ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public boolean next() throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#") || (lineNo == 1 && text.equalsIgnoreCase("value,payload")))
                continue;
            try {
                String[] fields = text.split(",", -1);
                if (fields.length != 2)
                    throw new IllegalArgumentException("expected 2 fields value,payload, found " + fields.length);
                value = parseValue(fields[0].strip());
                payload = parsePayload(fields[1].strip());
            } catch (IllegalArgumentException e) {
                throw new MalformedLine(name + " line " + lineNo + " '" + quoted(text) + "': " + e.getMessage());
            }
            return true;
        }
        return false;
    }

    @Override
    public int value() {
        return value;
    }

    @Override
    public double payload() {
        return payload;
    }

    @Override
    public boolean mayBlock() throws IOException {
        return !in.ready();
    }

    @Override
    public long total() {
        return -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static int parseValue(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("value '" + s + "' is not an int");
        }
    }

    private static double parsePayload(String s) {
        double d;
        try {
            d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("payload '" + s + "' is not a number");
        }
        if (!Double.isFinite(d))
            throw new IllegalArgumentException("payload '" + s + "' is not finite");
        return d;
    }

    private static String quoted(String s) {
        return s.length() <= QUOTED_MAX ? s : s.substring(0, QUOTED_MAX - 3) + "...";
    }
}
