package io.taskq.common.store;

import io.taskq.common.TaskQException;
import io.taskq.common.wire.Excerpts;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data directory whose results map or queue directory is damaged is refused before Chronicle Map or Chronicle Queue
 * can wait on it, re-format it or fail deep inside: one message that starts with the file's path and says what is
 * wrong, exit code 2, and the damaged file left byte for byte as it was.
 */
@Timeout(60)
class DamagedFilesTest {
    @TempDir
    Path dir;
    Path results;
    Path tasks;

    @BeforeEach
    void createWithOneTask() {
        try (DataDirectory data = DataDirectory.openOrCreate(dir, 3, RollCycles.FAST_DAILY)) {
            try (ExcerptAppender appender = data.queue().createAppender();
                 DocumentContext dc = appender.writingDocument()) {
                dc.wire().write(Excerpts.TASK).marshallable(new QueuedTask().seq(0).set(1, 0.5));
            }
        }
        results = dir.resolve(DataDirectory.RESULTS);
        tasks = dir.resolve(DataDirectory.TASKS);
    }

    /** Opens the directory, expects a refusal, and checks that {@code file} did not change. */
    private String refusal(Path file) throws IOException {
        byte[] before = Files.exists(file) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        TaskQException e = assertThrows(TaskQException.class,
                () -> DataDirectory.openExisting(dir, RollCycles.FAST_DAILY).close());
        assertEquals(TaskQException.EXIT_USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        if (before != null)
            assertArrayEquals(before, Files.readAllBytes(file), "the damaged file is unchanged");
        else
            assertEquals(false, Files.isRegularFile(file), "nothing was created in its place");
        return e.getMessage();
    }

    private void overwrite(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            assertEquals(bytes.length, ch.write(ByteBuffer.wrap(bytes), offset));
        }
    }

    /** The file offset of slot {@code index}: its magic, found by scanning (the map decides where entries go). */
    private long slotOffset(int index) throws IOException {
        byte[] bytes = Files.readAllBytes(results);
        byte[] magic = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(Schema.SLOT_MAGIC).array();
        ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        for (int i = 0; i + 16 <= bytes.length; i += 8)
            if (Arrays.equals(bytes, i, i + 8, magic, 0, 8) && view.getInt(i + 12) == index)
                return i;
        throw new AssertionError("slot " + index + " not found in " + results);
    }

    @Test
    void shouldOpenAnUndamagedDirectory() {
        DataDirectory.openExisting(dir, RollCycles.FAST_DAILY).close();
    }

    @Test
    void shouldRefuseAnEmptyMapInsteadOfFormattingIt() throws IOException {
        long length = Files.size(results);
        Files.write(results, new byte[0]);
        assertEquals(results + ": empty (0 bytes), expected a TaskQ results map of " + length + " bytes",
                refusal(results));
    }

    @Test
    void shouldRefuseAMissingMapInsteadOfCreatingIt() throws IOException {
        Files.delete(results);
        assertTrue(refusal(results).contains(": missing, though the ledger says this data directory was created"));
        assertFalse(Files.exists(results), "no new map was created");
    }

    @Test
    void shouldRefuseATruncatedMapWithBothLengths() throws IOException {
        long length = Files.size(results);
        try (RandomAccessFile f = new RandomAccessFile(results.toFile(), "rw")) {
            f.setLength(length / 2);
        }
        assertEquals(results + ": truncated to " + length / 2 + " bytes, expected " + length, refusal(results));
    }

    @Test
    void shouldRefuseAZeroedMapWithoutWaitingForIt() throws IOException {
        Files.write(results, new byte[(int) Files.size(results)]);
        long start = System.nanoTime();
        assertEquals(results + ": zeroed (no map header)", refusal(results));
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "refused without Chronicle Map's one-minute wait");
    }

    @Test
    void shouldRefuseARandomMapAsNotATaskqMap() throws IOException {
        byte[] garbage = new byte[(int) Files.size(results)];
        new Random(7).nextBytes(garbage);
        garbage[11] = (byte) 0x80; // a size word with the "incomplete" bit, which random bytes have half of the time
        Files.write(results, garbage);
        assertTrue(refusal(results).contains(": not a TaskQ results map (bad header size word 0x"));
    }

    @Test
    void shouldRefuseAMapWhoseHeaderFailsItsChecksum() throws IOException {
        overwrite(results, 100, new byte[]{'X', 'Y', 'Z'});
        assertEquals(results + ": not a TaskQ results map (header checksum mismatch)", refusal(results));
    }

    @Test
    void shouldRefuseASlotWithABadMagic() throws IOException {
        overwrite(results, slotOffset(1), new byte[8]);
        assertEquals(results + ": slot 1 is not a TaskQ result slot (bad magic 0x0)", refusal(results));
    }

    @Test
    void shouldRefuseASlotOfAnotherSchemaVersionNamingBoth() throws IOException {
        ByteBuffer seven = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 7);
        overwrite(results, slotOffset(2) + 8, seven.array());
        assertEquals(results + ": slot 2 written by schema version 7, this build reads schema version "
                + Schema.VERSION, refusal(results));
    }

    @Test
    void shouldRefuseASlotThatNamesAnotherIndex() throws IOException {
        ByteBuffer five = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 5);
        overwrite(results, slotOffset(0) + 12, five.array());
        assertEquals(results + ": slot 0 is marked as slot 5 (damaged)", refusal(results));
    }

    @Test
    void shouldRefuseASlotWhoseFiguresFailTheirChecksum() throws IOException {
        overwrite(results, slotOffset(1) + 192, new byte[]{1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(results + ": slot 1 figures fail their checksum (damaged)", refusal(results));
    }

    @Test
    void shouldRefuseAMissingQueueMetadataWhileCycleFilesExist() throws IOException {
        Path metadata = tasks.resolve(QueueFiles.METADATA);
        Files.delete(metadata);
        assertTrue(refusal(metadata).endsWith(": missing while " + tasks
                + " holds 1 cycle file(s) (damaged queue directory)"));
        assertFalse(Files.exists(metadata), "Chronicle Queue did not re-create it");
    }

    @Test
    void shouldRefuseAZeroedQueueMetadata() throws IOException {
        Path metadata = tasks.resolve(QueueFiles.METADATA);
        Files.write(metadata, new byte[(int) Files.size(metadata)]);
        assertEquals(metadata + ": zeroed (no Chronicle Queue metadata file header)", refusal(metadata));
    }

    @Test
    void shouldRefuseGarbageQueueMetadata() throws IOException {
        Path metadata = tasks.resolve(QueueFiles.METADATA);
        byte[] garbage = new byte[(int) Files.size(metadata)];
        new Random(11).nextBytes(garbage);
        Files.write(metadata, garbage);
        assertTrue(refusal(metadata).contains(": not a Chronicle Queue metadata file (bad header 0x"));
    }

    @Test
    void shouldRefuseATruncatedQueueMetadata() throws IOException {
        Path metadata = tasks.resolve(QueueFiles.METADATA);
        try (RandomAccessFile f = new RandomAccessFile(metadata.toFile(), "rw")) {
            f.setLength(20);
        }
        assertTrue(refusal(metadata).contains(": truncated to 20 bytes, shorter than its first "));
    }
}
