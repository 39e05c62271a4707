package io.taskq.cli;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Tasks from text, one per line, for {@code taskq produce --input --format lines}: each line, without its ending
 * ({@code \n} or {@code \r\n}), is one task's body; value and payload are 0. Every line is a task, an empty one too
 * (a task without a body), and so is a last line without {@code \n}. A line that is not valid UTF-8 or is longer than
 * {@code queue.max-body-bytes} stops the reading with {@link MalformedLine}. The body is a view of the reused read
 * buffer ({@link ByteLines}), so nothing is allocated per line. Not thread-safe.
 */
final class LinesTaskReader implements TaskSource {
    private final ByteLines lines;

    LinesTaskReader(ByteLines lines) {
        this.lines = lines;
    }

    @Override
    public boolean next() throws IOException {
        if (!lines.next())
            return false;
        requireUtf8(lines);
        return true;
    }

    /** Stops at a line that is not valid UTF-8, naming the first bad byte. */
    static void requireUtf8(ByteLines lines) {
        byte[] bytes = lines.array();
        int bad = Utf8.invalidAt(bytes, lines.lineStart(), lines.lineEnd());
        if (bad >= 0)
            throw new MalformedLine(lines.name() + " line " + lines.lineNo() + ": not valid UTF-8 at byte "
                    + (bad - lines.lineStart() + 1) + " of the line (" + String.format("0x%02x", bytes[bad] & 0xff)
                    + ")");
    }

    @Override
    public int value() {
        return 0;
    }

    @Override
    public double payload() {
        return 0;
    }

    /** The current line, without its ending; valid until the next call of {@link #next()}. */
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
        lines.close();
    }
}
