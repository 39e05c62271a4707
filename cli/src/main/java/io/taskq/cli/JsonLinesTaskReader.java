package io.taskq.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.io.JsonEOFException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Tasks from JSON Lines, for {@code taskq produce --input --format jsonl}: each line must hold exactly one JSON value
 * (an object, array, string, number, {@code true}, {@code false} or {@code null}, with any whitespace around it), and
 * its text, without the line ending, is one task's body; value and payload are 0. Blank lines (nothing, or only
 * spaces and tabs) hold no value and are skipped, though they count in line numbers. A line that is not valid UTF-8,
 * not JSON, holds more than one value, or a value that goes on past the end of the line, stops the reading with
 * {@link MalformedLine}, which names the line and what Jackson found wrong. Jackson's default limits apply (a value
 * nested at most 1000 levels deep, numbers of at most 1000 digits).
 * <p>
 * One non-blocking Jackson parser checks the whole input, fed one line at a time straight from the read buffer
 * ({@link ByteLines}): nothing is allocated per line, and the values are only checked, never built. Not thread-safe.
 */
final class JsonLinesTaskReader implements TaskSource {
    // Interning would keep every field name of the input in the JVM's string table.
    private static final JsonFactory JSON = JsonFactory.builder().disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
    private static final String UNFINISHED = "the JSON value does not end on this line";

    private final ByteLines lines;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    /** Of the current line: how deep the parser is in arrays and objects, and how many values started. */
    private int depth;
    private int values;

    JsonLinesTaskReader(ByteLines lines) {
        this.lines = lines;
        try {
            this.parser = JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    @Override
    public boolean next() throws IOException {
        while (lines.next()) {
            LinesTaskReader.requireUtf8(lines);
            if (isBlank(lines.array(), lines.lineStart(), lines.lineEnd()))
                continue;
            requireOneValue();
            return true;
        }
        return false;
    }

    private static boolean isBlank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++)
            if (bytes[i] != ' ' && bytes[i] != '\t')
                return false;
        return true;
    }

    /**
     * Feeds the line with its ending to the parser and reads every token it yields: all of them must make up one
     * value. The ending is what completes a value such as a number at the end of the line; without one (the last
     * line), the end of the input does.
     */
    private void requireOneValue() {
        depth = 0;
        values = 0;
        try {
            feeder.feedInput(lines.array(), lines.lineStart(), lines.endingEnd());
            readTokens();
            if (!lines.hasEnding()) {
                // Only after the fed bytes were read: Jackson 2.18 does not finish a number at the end of a chunk it
                // starts reading after the end of input was signalled.
                feeder.endOfInput();
                readTokens();
            }
        } catch (JsonEOFException e) {
            throw malformed(UNFINISHED);
        } catch (JsonProcessingException e) {
            String problem = e.getOriginalMessage().replace('\n', ' ');
            String column = e.getLocation() == null || e.getLocation().getColumnNr() < 1 ? ""
                    : " (column " + e.getLocation().getColumnNr() + ")";
            throw malformed("not JSON: " + problem + column);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (depth > 0 || values == 0)
            throw malformed(UNFINISHED);
    }

    /** Reads the tokens of what was fed so far, counting the values that start outside any other. */
    private void readTokens() throws IOException {
        for (JsonToken t = parser.nextToken(); t != null && t != JsonToken.NOT_AVAILABLE; t = parser.nextToken()) {
            if (depth == 0 && ++values > 1)
                throw malformed("more than one JSON value on the line");
            if (t.isStructStart())
                depth++;
            else if (t.isStructEnd())
                depth--;
        }
    }

    private MalformedLine malformed(String problem) {
        return new MalformedLine(lines.name() + " line " + lines.lineNo() + " '"
                + BodyText.excerpt(lines.array(), lines.lineStart(), lines.lineEnd(), ByteLines.QUOTED_MAX) + "': "
                + BodyText.escapeControls(problem));
    }

    @Override
    public int value() {
        return 0;
    }

    @Override
    public double payload() {
        return 0;
    }

    /** The current line's text, without its ending; valid until the next call of {@link #next()}. */
    @Override
    public ByteBuffer body() {
        return lines.line();
    }

    @Override
    public boolean mayBlock() throws IOException {
        return lines.mayBlock();
    }

    @Override
    public long total() {
        return -1;
    }

    @Override
    public void close() throws IOException {
        parser.close();
        lines.close();
    }
}
