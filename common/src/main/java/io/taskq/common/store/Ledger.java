package io.taskq.common.store;

import io.taskq.common.TaskQException;
import io.taskq.common.wire.QueuedBatch;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedFile;

import java.io.Closeable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The small shared state of a data directory, a memory-mapped file of {@value #FILE_SIZE} bytes:
 * <pre>
 *   0  magic             "TASKQLDG"
 *   8  schema version    int
 *  12  slots             int, the number of result slots
 *  16  created           epoch millis
 *  24  header checksum   over bytes 0..23
 *  32  results length    the size of results.cm3 in bytes when it was created (0: not recorded)
 *  40  length check      a checksum of the results length and the created time
 *  64  submitted         tasks appended (next seq), written by producers under the queue's write lock
 * 128  claim cursor      (next unclaimed seq << 16) | (slot index + 1 of the last claimer), CAS by consumers
 * 192  sealed            0 while open, else (task count at end of stream) + 1
 * 256  first put nanos   System.nanoTime of the first put, for throughput figures
 * </pre>
 * Each hot word sits on its own cache line. All methods are thread-safe and safe across processes; they read and
 * write the mapped memory with volatile, ordered or CAS operations.
 */
public final class Ledger implements Closeable {
    public static final int FILE_SIZE = 4096;
    private static final int OFF_MAGIC = 0;
    private static final int OFF_VERSION = 8;
    private static final int OFF_SLOTS = 12;
    private static final int OFF_CREATED = 16;
    private static final int OFF_CHECKSUM = 24;
    private static final int OFF_RESULTS_LENGTH = 32;
    private static final int OFF_RESULTS_LENGTH_CHECK = 40;
    private static final int OFF_SUBMITTED = 64;
    private static final int OFF_CLAIM_CURSOR = 128;
    private static final int OFF_SEALED = 192;
    private static final int OFF_FIRST_PUT = 256;

    /** Bits of the claim cursor that carry the last claimer's tag. */
    public static final int TAG_BITS = 16;
    /** The largest number of slots the claim cursor's tag can name. */
    public static final int MAX_SLOTS = (1 << TAG_BITS) - 2;

    private final Path file;
    private final MappedBytes mapped;
    private final BytesStore<?, ?> store;

    private Ledger(Path file, MappedBytes mapped) {
        this.file = file;
        this.mapped = mapped;
        this.store = mapped.bytesStore();
    }

    /**
     * Writes a fresh ledger atomically: a temporary file is filled, forced to disk and renamed into place, so a
     * reader never sees a half-written header.
     */
    static void create(Path file, int slots, long resultsLength, DataDirAccess access) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(FILE_SIZE).order(ByteOrder.nativeOrder());
        long created = System.currentTimeMillis();
        header.putLong(OFF_MAGIC, Schema.LEDGER_MAGIC);
        header.putInt(OFF_VERSION, Schema.VERSION);
        header.putInt(OFF_SLOTS, slots);
        header.putLong(OFF_CREATED, created);
        header.putLong(OFF_CHECKSUM, checksum(Schema.LEDGER_MAGIC, Schema.VERSION, slots, created));
        header.putLong(OFF_RESULTS_LENGTH, resultsLength);
        header.putLong(OFF_RESULTS_LENGTH_CHECK, lengthCheck(resultsLength, created));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (header.hasRemaining())
                ch.write(header);
            ch.force(true);
        }
        access.fileCreated(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Opens and validates an existing ledger; refuses a truncated, zeroed, foreign or other-version file with a
     * one-line message that starts with the file's path. Validation only reads.
     */
    static Ledger open(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_USAGE, file + ": cannot read it ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        if (size == 0)
            throw TaskQException.usage(file + ": empty (0 bytes), expected " + FILE_SIZE);
        if (size < FILE_SIZE)
            throw TaskQException.usage(file + ": truncated to " + size + " bytes, expected " + FILE_SIZE);
        if (size > FILE_SIZE)
            throw TaskQException.usage(file + ": " + size + " bytes, expected " + FILE_SIZE + " (not a TaskQ ledger)");
        MappedBytes mapped;
        try {
            mapped = MappedBytes.singleMappedBytes(file.toFile(), FILE_SIZE);
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_USAGE, file + ": cannot map it ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        mapped.singleThreadedCheckDisabled(true);
        Ledger ledger = new Ledger(file, mapped);
        try {
            ledger.validate();
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
        return ledger;
    }

    private void validate() {
        long magic = store.readLong(OFF_MAGIC);
        if (magic != Schema.LEDGER_MAGIC) {
            if (magic == 0 && store.readLong(OFF_VERSION) == 0 && store.readLong(OFF_CREATED) == 0
                    && store.readLong(OFF_CHECKSUM) == 0)
                throw TaskQException.usage(file + ": zeroed (no ledger header)");
            throw TaskQException.usage(file + ": not a TaskQ ledger (bad magic 0x" + Long.toHexString(magic) + ")");
        }
        int version = store.readInt(OFF_VERSION);
        if (version != Schema.VERSION)
            throw TaskQException.usage(file + ": written by schema version " + version
                    + ", this build reads schema version " + Schema.VERSION);
        int slots = store.readInt(OFF_SLOTS);
        long created = store.readLong(OFF_CREATED);
        if (store.readLong(OFF_CHECKSUM) != checksum(magic, version, slots, created))
            throw TaskQException.usage(file + ": damaged header (checksum mismatch)");
        if (slots < 1 || slots > MAX_SLOTS)
            throw TaskQException.usage(file + ": damaged header (slot count " + slots + " out of range 1.." + MAX_SLOTS
                    + ")");
        long resultsLength = store.readLong(OFF_RESULTS_LENGTH);
        if ((resultsLength != 0 || store.readLong(OFF_RESULTS_LENGTH_CHECK) != 0)
                && store.readLong(OFF_RESULTS_LENGTH_CHECK) != lengthCheck(resultsLength, created))
            throw TaskQException.usage(file + ": damaged header (results length check mismatch)");
        long submitted = submitted();
        long cursor = claimPosition(claimCursor());
        long sealed = store.readVolatileLong(OFF_SEALED);
        if (submitted < 0 || cursor < 0 || cursor > submitted + QueuedBatch.MAX_TASKS || sealed < 0
                || (sealed > 0 && sealed - 1 > submitted))
            throw TaskQException.usage(file + ": damaged counters (submitted=" + submitted
                    + ", claimed=" + cursor + ", sealed=" + (sealed - 1) + ")");
    }

    private static long checksum(long magic, int version, int slots, long created) {
        long h = magic * 0x9E3779B97F4A7C15L;
        h = (h ^ version) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ slots) * 0x165667B19E3779F9L;
        h = (h ^ created) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 31);
    }

    private static long lengthCheck(long resultsLength, long created) {
        return checksum(Schema.LEDGER_MAGIC, Schema.VERSION, (int) (resultsLength >>> 32) ^ (int) resultsLength,
                created ^ resultsLength);
    }

    /** The size results.cm3 had when the directory was created, in bytes, or 0 if this ledger does not record it. */
    public long resultsLength() {
        return store.readLong(OFF_RESULTS_LENGTH);
    }

    /** The creation time recorded in the header, epoch millis. */
    public long createdMillis() {
        return store.readLong(OFF_CREATED);
    }

    public Path file() {
        return file;
    }

    public int slots() {
        return store.readInt(OFF_SLOTS);
    }

    /** Tasks appended so far, which is also the next seq. */
    public long submitted() {
        return store.readVolatileLong(OFF_SUBMITTED);
    }

    /** Publishes a new submitted count. Callers hold the queue's write lock, which orders producers. */
    public void publishSubmitted(long submitted) {
        store.writeOrderedLong(OFF_SUBMITTED, submitted);
    }

    public long claimCursor() {
        return store.readVolatileLong(OFF_CLAIM_CURSOR);
    }

    public boolean casClaimCursor(long expected, long value) {
        return store.compareAndSwapLong(OFF_CLAIM_CURSOR, expected, value);
    }

    /** The next unclaimed seq encoded in a claim cursor word. */
    public static long claimPosition(long cursorWord) {
        return cursorWord >>> TAG_BITS;
    }

    /** The slot index of the consumer that made the last claim, or -1 before any claim. */
    public static int claimOwner(long cursorWord) {
        return (int) (cursorWord & ((1L << TAG_BITS) - 1)) - 1;
    }

    public static long cursorWord(long position, int ownerSlot) {
        return (position << TAG_BITS) | (ownerSlot + 1L);
    }

    /** True once end of stream was written. */
    public boolean sealed() {
        return store.readVolatileLong(OFF_SEALED) != 0;
    }

    /** The task count at end of stream, or -1 while the stream is open. */
    public long sealedCount() {
        return store.readVolatileLong(OFF_SEALED) - 1;
    }

    /** Records end of stream at {@code count} tasks. Callers hold the queue's write lock. */
    public void publishSealed(long count) {
        store.writeOrderedLong(OFF_SEALED, count + 1);
    }

    public long firstPutNanos() {
        return store.readVolatileLong(OFF_FIRST_PUT);
    }

    /** Records the time of the first put; only the first caller wins. */
    public void recordFirstPut(long nanos) {
        store.compareAndSwapLong(OFF_FIRST_PUT, 0, nanos);
    }

    /** Unmaps the ledger. */
    @Override
    public void close() {
        MappedFile file = mapped.mappedFile();
        mapped.releaseLast();
        // A single-mapping MappedFile keeps its own reservation of the mapping (Chronicle releases it only with
        // -DmappedFile.retain=true), so without this the 4 KiB mapping outlives close() and, for one, keeps the file
        // system busy for umount.
        if (store.refCount() > 0)
            store.release(file);
    }

}
