package io.taskq.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The lines of a byte stream, read in chunks into one reused buffer, for the {@code lines} and {@code jsonl} formats
 * of {@code taskq produce --input}. A line ends at {@code \n}, and a {@code \r} right before it belongs to the ending;
 * a last line without {@code \n} counts; an empty line is a line. A line longer than {@code maxLineBytes} (without its
 * ending) stops the reading with {@link MalformedLine} as soon as that is certain, without reading the rest of it.
 * <p>
 * Nothing is allocated per line: the buffer grows (doubling) only while a line is longer than it, up to
 * {@code maxLineBytes} plus the ending. A line's bytes stay valid until the next call of {@link #next()}. Not
 * thread-safe.
 */
final class ByteLines implements Closeable {
    /** Bytes read from the stream at a time, and the buffer's first size. */
    static final int CHUNK_BYTES = 64 * 1024;
    /** The most characters of a bad line that a message quotes (as {@link CsvTaskReader} does). */
    static final int QUOTED_MAX = 60;

    private final InputStream in;
    private final String name;
    private final int maxLineBytes;
    private final String limitName;
    private byte[] buffer;
    private ByteBuffer view;
    /** Unread bytes are {@code buffer[start..end)}; {@code buffer[start..scanned)} holds no {@code \n}. */
    private int start;
    private int end;
    private int scanned;
    private boolean atEof;
    private long lineNo;
    private int lineStart;
    private int lineEnd;
    private int endingEnd;

    /**
     * @param in           the bytes, closed by {@link #close()}
     * @param name         the input in messages: {@code stdin} or {@code input FILE}
     * @param maxLineBytes the longest line taken, without its ending
     * @param limitName    what sets {@code maxLineBytes}, for the message about a longer line
     */
    ByteLines(InputStream in, String name, int maxLineBytes, String limitName) {
        this.in = in;
        this.name = name;
        this.maxLineBytes = maxLineBytes;
        this.limitName = limitName;
        this.buffer = new byte[CHUNK_BYTES];
        this.view = ByteBuffer.wrap(buffer);
    }

    /**
     * Moves to the next line.
     *
     * @return false at the end of the stream
     * @throws MalformedLine if the line is longer than {@code maxLineBytes}
     */
    boolean next() throws IOException {
        for (; ; ) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    int contentEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    return take(contentEnd, i + 1);
                }
            }
            scanned = end;
            // Without its \n yet, and possibly a \r before that, the line is already too long.
            if (end - start > maxLineBytes + 1)
                throw tooLong(end);
            if (atEof)
                return start < end && take(end, end);
            fill();
        }
    }

    /** The current line as {@code buffer[lineStart..lineEnd)}, its ending up to {@code endingEnd}. */
    private boolean take(int contentEnd, int next) {
        if (contentEnd - start > maxLineBytes)
            throw tooLong(contentEnd);
        lineNo++;
        lineStart = start;
        lineEnd = contentEnd;
        endingEnd = next;
        start = next;
        scanned = next;
        return true;
    }

    /**
     * Whether the next {@link #next()} may wait for the stream: no whole line is buffered, the stream is not at its
     * end, and it has no bytes ready. Remembers how far it looked, so {@link #next()} does not look again.
     */
    boolean mayBlock() throws IOException {
        for (int i = scanned; i < end; i++) {
            if (buffer[i] == '\n') {
                scanned = i;
                return false;
            }
        }
        scanned = end;
        return !atEof && in.available() == 0;
    }

    /** The line after the current one, from {@code start} to at least {@code to}, is too long. */
    private MalformedLine tooLong(int to) {
        String excerpt = BodyText.excerpt(buffer, start, to, QUOTED_MAX);
        return new MalformedLine(name + " line " + (lineNo + 1) + " '" + excerpt + "': longer than " + limitName + "="
                + maxLineBytes + " bytes");
    }

    /** Reads more of the stream after the unread bytes, first moving them to the front or growing the buffer. */
    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            scanned -= start;
            start = 0;
        }
        if (end == buffer.length) {
            // Only a line longer than the buffer gets here, and it is at most maxLineBytes + 1 bytes so far.
            byte[] grown = new byte[(int) Math.min(2L * buffer.length, maxLineBytes + 2L)];
            System.arraycopy(buffer, 0, grown, 0, end);
            buffer = grown;
            view = ByteBuffer.wrap(buffer);
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0)
            atEof = true;
        else
            end += n;
    }

    /** The current line's number, 1-based; valid after {@link #next()} returned true. */
    long lineNo() {
        return lineNo;
    }

    /** The buffer holding the current line; valid until the next call of {@link #next()}. */
    byte[] array() {
        return buffer;
    }

    /** Where the current line starts in {@link #array()}. */
    int lineStart() {
        return lineStart;
    }

    /** Where the current line ends in {@link #array()}, without its ending. */
    int lineEnd() {
        return lineEnd;
    }

    /** Where the current line ends in {@link #array()} with its ending ({@code \n} or {@code \r\n}), if it has one. */
    int endingEnd() {
        return endingEnd;
    }

    /** True if the current line ended with {@code \n} (false only for a last line without one). */
    boolean hasEnding() {
        return endingEnd > lineEnd;
    }

    /** The current line without its ending, as a reused view of {@link #array()}; valid until {@link #next()}. */
    ByteBuffer line() {
        view.limit(lineEnd).position(lineStart);
        return view;
    }

    /** The input in messages: {@code stdin} or {@code input FILE}. */
    String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
