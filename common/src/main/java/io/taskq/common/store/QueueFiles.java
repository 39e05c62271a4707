package io.taskq.common.store;

import io.taskq.common.TaskQException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Cheap checks of the task queue directory ({@code tasks/}) before Chronicle Queue opens it. Chronicle Queue quietly
 * re-creates a missing, empty or zeroed {@code metadata.cq4t} (which holds its write lock and cycle listing) and fails
 * with a deep stack trace on a garbage one; TaskQ refuses both with one line instead.
 * <p>
 * Every Chronicle Queue file starts with a metadata document: a little-endian int header (bit 31 set while
 * incomplete, bit 30 set for metadata, bits 0..29 the length) followed by a typed {@code header} field:
 * {@code STStore} in the metadata file, {@code SCQStore} in a cycle file. The checks look only at that first
 * document, and only where no live process can be writing it: the metadata file once a cycle file exists (the
 * metadata is complete before the first cycle file is created) and every cycle file but the newest. An old cycle
 * file that retention deletes between the listing and the check is skipped.
 */
final class QueueFiles {
    static final String METADATA = "metadata.cq4t";
    static final String CYCLE_SUFFIX = ".cq4";
    private static final int NOT_COMPLETE = 0x8000_0000;
    private static final int META_DATA = 0x4000_0000;
    private static final int LENGTH_MASK = (1 << 30) - 1;
    /** The start of a first document big enough to hold the store's type name. */
    private static final int PROBE = 64;
    /** A store's first document is a few hundred bytes; a longer one is garbage, not a truncated file. */
    private static final int MAX_FIRST_DOCUMENT = 4096;

    private QueueFiles() {
    }

    /** Refuses a damaged queue directory; a missing one is fine (nothing was produced yet). */
    static void check(Path tasks) {
        if (!Files.exists(tasks))
            return;
        if (!Files.isDirectory(tasks))
            throw TaskQException.usage(tasks + ": not a directory (the task queue must be one)");
        List<Path> cycles = cycleFiles(tasks);
        if (cycles.isEmpty())
            return;
        Path metadata = tasks.resolve(METADATA);
        if (!Files.exists(metadata))
            throw TaskQException.usage(metadata + ": missing while " + tasks + " holds " + cycles.size()
                    + " cycle file(s) (damaged queue directory)");
        checkFirstDocument(metadata, "STStore", "Chronicle Queue metadata file");
        for (Path cycle : cycles.subList(0, cycles.size() - 1))
            checkFirstDocument(cycle, "SCQStore", "Chronicle Queue cycle file");
    }

    /** The cycle files, oldest first (their names are their cycle's date and time). */
    static List<Path> cycleFiles(Path tasks) {
        List<Path> cycles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tasks, "*" + CYCLE_SUFFIX)) {
            files.forEach(cycles::add);
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_USAGE, tasks + ": cannot list it (" + e.getMessage() + ")", e);
        }
        cycles.sort(null);
        return cycles;
    }

    /**
     * True if cycle file {@code cycle} has its first header finished: its creator, which writes that header last, got
     * that far. A file shorter than the header has not. A live creator finishes it within moments; one killed before
     * leaves it unfinished for good, and then Chronicle Queue makes every reader and appender wait its timeout on it.
     *
     * @throws NoSuchFileException if the file is gone
     * @throws IOException         if it cannot be read
     */
    static boolean firstHeaderFinished(Path cycle) throws IOException {
        int header = firstHeaderWord(cycle);
        return header != 0 && (header & NOT_COMPLETE) == 0;
    }

    /**
     * The first header word of cycle file {@code cycle} (Chronicle writes the store's header there when it creates the
     * file), or 0 if the file is shorter than a header word.
     *
     * @throws NoSuchFileException if the file is gone
     * @throws IOException         if it cannot be read
     */
    static int firstHeaderWord(Path cycle) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(cycle, StandardOpenOption.READ)) {
            while (header.hasRemaining())
                if (ch.read(header, header.position()) <= 0)
                    break;
        }
        return header.hasRemaining() ? 0 : header.getInt(0);
    }

    private static void checkFirstDocument(Path file, String type, String what) {
        long length;
        ByteBuffer probe = ByteBuffer.allocate(PROBE).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            length = ch.size();
            while (probe.hasRemaining())
                if (ch.read(probe, probe.position()) <= 0)
                    break;
        } catch (NoSuchFileException e) {
            // Retention (queue.keep-cycles) deleted this old cycle file since the listing: nothing left to check.
            return;
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_USAGE, file + ": cannot read it ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        if (length == 0)
            throw TaskQException.usage(file + ": empty (0 bytes), expected a " + what);
        if (length < 4)
            throw TaskQException.usage(file + ": truncated to " + length + " bytes, expected a " + what);
        int header = probe.getInt(0);
        if (header == 0)
            throw TaskQException.usage(file + ": zeroed (no " + what + " header)");
        int documentLength = header & LENGTH_MASK;
        if ((header & NOT_COMPLETE) != 0 || (header & META_DATA) == 0 || documentLength == 0
                || documentLength > MAX_FIRST_DOCUMENT)
            throw TaskQException.usage(file + ": not a " + what + " (bad header 0x" + Integer.toHexString(header)
                    + ")");
        if (4L + documentLength > length)
            throw TaskQException.usage(file + ": truncated to " + length + " bytes, shorter than its first "
                    + documentLength + "-byte header");
        String start = StandardCharsets.ISO_8859_1.decode(probe.flip()).toString();
        if (!start.contains(type))
            throw TaskQException.usage(file + ": not a " + what + " (its header names no " + type + ")");
    }
}
