package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The formats of {@code taskq produce --input FILE|- --format F}: how the input's lines become tasks. Every format
 * reads the input as a stream, one line at a time, and stops at the first bad line with {@link MalformedLine}.
 */
enum InputFormat {
    /** {@code value,payload} per line ({@link CsvTaskReader}); the default. */
    CSV,
    /** Each line's text is one task's body ({@link LinesTaskReader}). */
    LINES,
    /** Each line is one JSON value, and its text is one task's body ({@link JsonLinesTaskReader}). */
    JSONL;

    /** The formats as a user writes them, for messages: {@code csv, lines or jsonl}. */
    static final String NAMES = Arrays.stream(values()).map(InputFormat::optionName)
            .collect(Collectors.joining(", ")).replaceFirst(", (?=[^,]*$)", " or ");

    /** The name {@code --format} takes. */
    String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code name} as {@code --format} takes it, or null. */
    static InputFormat named(String name) {
        for (InputFormat f : values())
            if (f.optionName().equals(name))
                return f;
        return null;
    }

    /**
     * Opens {@code input}, a file name or {@code -} for standard input, as tasks of this format; bodies (lines and
     * jsonl) may be up to {@code maxBodyBytes} long.
     *
     * @throws TaskQException (exit code 2) naming {@code --input} if the file cannot be read
     */
    TaskSource open(String input, int maxBodyBytes) {
        if (this == CSV)
            return CsvTaskReader.open(input);
        ByteLines lines = new ByteLines(stream(input), input.equals("-") ? "stdin" : "input " + input, maxBodyBytes,
                Keys.MAX_BODY_BYTES.name());
        return this == LINES ? new LinesTaskReader(lines) : new JsonLinesTaskReader(lines);
    }

    private static InputStream stream(String input) {
        if (input.equals("-"))
            return System.in;
        try {
            return Files.newInputStream(Path.of(input));
        } catch (IOException e) {
            throw TaskQException.usage("taskq produce: --input " + input + ": cannot read it ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
