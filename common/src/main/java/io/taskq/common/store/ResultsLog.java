package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The results log, {@code results/} in the data directory: one Chronicle Queue per slot, {@code results/slot-N},
 * holding one record per task outcome that slot counted, done or dead. Only the slot's holder appends to it (its
 * owner, or a consumer that took the slot over from an owner that is gone), so no writer waits for another.
 * <p>
 * <b>Exactly once with the slot.</b> Each record carries the selector count of the slot figures publish that
 * counts it ({@link ResultSlot#nextSelector()}), and is appended just before that publish. A record counts if and
 * only if that publish happened (the slot's selector count is at least the record's) and it is the last record with
 * its count in its slot's queue. Whoever takes a slot appends a void record for a count that was never published
 * ({@link Writer#voidUnpublished}) before it publishes anything, so a record whose publish a kill, a task timeout
 * or a fence prevented never counts. Counts in one slot's queue never go down, so the rule needs a look-ahead of
 * one record; see {@link ResultsReader}.
 * <p>
 * A record is raw bytes: count (8), seq (8), status (1: ok, dead or void), attempts (4), handled at (epoch millis,
 * 8), latency (nanos, 8), value (8), payload (8, double), body length (4), body. Thread-safe for opening; a
 * {@link Writer} belongs to one thread.
 */
public final class ResultsLog implements Closeable {
    public static final String DIR = "results";
    static final byte OK = 1;
    static final byte DEAD = 2;
    static final byte VOID = 3;
    /** Bytes of a record before its body. */
    static final int FIXED_BYTES = 8 + 8 + 1 + 4 + 8 + 8 + 8 + 8 + 4;

    private final Path dir;
    private final RollCycles rollCycle;
    private final DataDirAccess access;
    private final SingleChronicleQueue[] queues;

    ResultsLog(Path dataDir, int slots, RollCycles rollCycle, DataDirAccess access) {
        this.dir = dataDir.resolve(DIR);
        this.rollCycle = rollCycle;
        this.access = access;
        this.queues = new SingleChronicleQueue[slots];
    }

    public Path dir() {
        return dir;
    }

    /** Bytes a record with a body of {@code bodyLength} bytes takes in its queue, with its header. */
    public static int recordBytes(int bodyLength) {
        return 4 + FIXED_BYTES + bodyLength;
    }

    /** The queue directory of slot {@code slot}'s results. */
    public Path slotDir(int slot) {
        return dir.resolve("slot-" + slot);
    }

    /** True if slot {@code slot} has a results queue (it counted something, or was taken over). */
    public boolean exists(int slot) {
        return Files.isDirectory(slotDir(slot));
    }

    /**
     * Slot {@code slot}'s results queue, opened (and created) on first use.
     *
     * @throws TaskQException (exit 2) naming the directory if it cannot be created or opened
     */
    synchronized SingleChronicleQueue queue(int slot) {
        if (queues[slot] == null) {
            Path q = slotDir(slot);
            try {
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                    access.directoryCreated(dir);
                }
                if (!Files.isDirectory(q)) {
                    Files.createDirectories(q);
                    access.directoryCreated(q);
                }
                queues[slot] = SingleChronicleQueueBuilder.binary(q.toFile()).rollCycle(rollCycle).build();
            } catch (IOException | RuntimeException e) {
                throw new TaskQException(TaskQException.EXIT_USAGE, q + ": cannot open the results queue ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
            }
        }
        return queues[slot];
    }

    /** A writer of slot {@code slot}'s results, for the calling thread. */
    public Writer writer(int slot) {
        return new Writer(queue(slot));
    }

    @Override
    public synchronized void close() {
        for (int i = 0; i < queues.length; i++) {
            if (queues[i] != null) {
                queues[i].close();
                queues[i] = null;
            }
        }
    }

    /** Appends one slot's records. Not thread-safe: one thread, the slot's holder. */
    public static final class Writer implements Closeable {
        private final SingleChronicleQueue queue;
        private final ExcerptAppender appender;

        Writer(SingleChronicleQueue queue) {
            this.queue = queue;
            this.appender = queue.createAppender();
        }

        /**
         * Records task {@code seq} done, to be counted by the publish of selector count {@code count}: call right
         * before that publish. {@code body[0, bodyLength)} is the handler's result body.
         */
        public void ok(long count, long seq, int attempts, long latencyNanos, long value, double payload, byte[] body,
                       int bodyLength) {
            write(count, seq, OK, attempts, latencyNanos, value, payload, body, bodyLength);
        }

        /** Records task {@code seq} dead, with its last error, to be counted by the publish of {@code count}. */
        public void dead(long count, long seq, int attempts, long latencyNanos, byte[] error) {
            write(count, seq, DEAD, attempts, latencyNanos, 0, 0, error, error.length);
        }

        /**
         * Voids the last record if it was written for a publish that never happened (its count is above
         * {@code publishedCount}). Call after taking the slot, before publishing anything.
         *
         * @return true if a record was voided
         */
        public boolean voidUnpublished(long publishedCount) {
            long last = lastCount();
            if (last <= publishedCount)
                return false;
            write(last, -1, VOID, 0, 0, 0, 0, null, 0);
            return true;
        }

        @Override
        public void close() {
            appender.close();
        }

        /** The count of the last record, or -1 if there is none. */
        private long lastCount() {
            try (ExcerptTailer tailer = queue.createTailer()) {
                tailer.direction(TailerDirection.BACKWARD).toEnd();
                try (DocumentContext dc = tailer.readingDocument()) {
                    return dc.isPresent() ? dc.wire().bytes().readLong() : -1;
                }
            }
        }

        private void write(long count, long seq, byte status, int attempts, long latencyNanos, long value,
                           double payload, byte[] body, int bodyLength) {
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> b = dc.wire().bytes();
                b.writeLong(count);
                b.writeLong(seq);
                b.writeByte(status);
                b.writeInt(attempts);
                b.writeLong(System.currentTimeMillis());
                b.writeLong(latencyNanos);
                b.writeLong(value);
                b.writeDouble(payload);
                b.writeInt(bodyLength);
                if (bodyLength > 0)
                    b.write(body, 0, bodyLength);
            }
        }
    }
}
