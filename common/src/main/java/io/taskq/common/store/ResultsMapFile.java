package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.algo.hashing.LongHashFunction;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks {@code results.cm3} before Chronicle Map sees it. Chronicle Map formats an empty file as a new map, waits a
 * minute for a zeroed one to become "ready" and reports other damage with long messages; none of that suits a file
 * TaskQ created long ago. The checks read the file's length and its self-bootstrapping header and nothing else:
 * <pre>
 *   0  header checksum   xxHash r39 over bytes 8 .. 12 + header size
 *   8  size word         int, little-endian: bit 31 set while incomplete, bits 0..29 the header size
 *  12  header            Chronicle Map's configuration as text, naming its value class
 * </pre>
 * Every refusal is a {@link TaskQException} with exit code 2 whose message starts with the file's path.
 */
final class ResultsMapFile {
    private static final int SIZE_WORD_OFFSET = 8;
    private static final int HEADER_OFFSET = 12;
    private static final int SIZE_MASK = (1 << 30) - 1;
    private static final int META_DATA_BIT = 0x4000_0000;
    /** Chronicle Map writes at most 16 KiB of header. */
    private static final int MAX_HEADER = 16 * 1024;

    private ResultsMapFile() {
    }

    /**
     * Refuses a missing, truncated, zeroed or foreign results map.
     *
     * @param expectedLength the length the ledger recorded when the directory was created, 0 if unknown
     */
    static void check(Path file, long expectedLength) {
        if (!Files.exists(file))
            throw TaskQException.usage(file + ": missing, though the ledger says this data directory was created "
                    + "(restore it, or use a fresh --data-dir)");
        if (!Files.isRegularFile(file))
            throw TaskQException.usage(file + ": not a regular file");
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (length == 0)
            throw TaskQException.usage(file + ": empty (0 bytes), expected a TaskQ results map"
                    + (expectedLength > 0 ? " of " + expectedLength + " bytes" : ""));
        if (expectedLength > 0 && length < expectedLength)
            throw TaskQException.usage(file + ": truncated to " + length + " bytes, expected " + expectedLength);
        if (expectedLength > 0 && length > expectedLength)
            throw TaskQException.usage(file + ": " + length + " bytes, expected " + expectedLength
                    + " (damaged, or from another data directory)");
        if (length < HEADER_OFFSET)
            throw TaskQException.usage(file + ": truncated to " + length + " bytes, shorter than a map header");

        ByteBuffer prefix = read(file, 0, HEADER_OFFSET);
        long storedChecksum = prefix.getLong(0);
        int sizeWord = prefix.getInt(SIZE_WORD_OFFSET);
        if (storedChecksum == 0 && sizeWord == 0)
            throw TaskQException.usage(file + ": zeroed (no map header)");
        int headerSize = sizeWord & SIZE_MASK;
        if (sizeWord <= 0 || (sizeWord & META_DATA_BIT) != 0 || headerSize == 0 || headerSize > MAX_HEADER)
            throw notOurs(file, "bad header size word 0x" + Integer.toHexString(sizeWord));
        if (length < HEADER_OFFSET + (long) headerSize)
            throw TaskQException.usage(file + ": truncated to " + length + " bytes, shorter than its "
                    + headerSize + "-byte header");
        ByteBuffer header = read(file, 0, HEADER_OFFSET + headerSize);
        long checksum = LongHashFunction.xx_r39().hashBytes(header, SIZE_WORD_OFFSET, headerSize + 4);
        if (checksum != storedChecksum)
            throw notOurs(file, "header checksum mismatch");
        String text = StandardCharsets.ISO_8859_1.decode(header.position(HEADER_OFFSET)).toString();
        if (!text.contains("valueClass: !type " + ResultSlot.class.getName()))
            throw notOurs(file, "a Chronicle Map, but not of TaskQ result slots");
    }

    private static ByteBuffer read(Path file, long position, int size) {
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buffer.hasRemaining())
                if (ch.read(buffer, position + buffer.position()) < 0)
                    throw TaskQException.usage(file + ": truncated while reading its header");
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        return buffer.flip();
    }

    private static TaskQException notOurs(Path file, String why) {
        return TaskQException.usage(file + ": not a TaskQ results map (" + why + ")");
    }

    private static TaskQException unreadable(Path file, IOException e) {
        return new TaskQException(TaskQException.EXIT_USAGE, file + ": cannot read it (" + e.getClass().getSimpleName()
                + ": " + e.getMessage() + ")", e);
    }
}
