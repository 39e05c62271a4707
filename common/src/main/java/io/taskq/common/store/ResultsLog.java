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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The results log, {@code results/} in the data directory: one Chronicle Queue per slot, {@code results/slot-N},
 * holding one record per task outcome that slot counted, done or dead. Only the slot's holder appends to it (its
 * owner, or a consumer that took the slot over from an owner that is gone), so no writer waits for another.
 * <p>
 * <b>Groups.</b> An excerpt is a group: the selector count of the slot figures publish that counts it
 * ({@link ResultSlot#nextSelector()}), then the records of every outcome that publish counts. A consumer handling a
 * batch gathers the outcomes of consecutive successful tasks ({@link Writer#add}) and appends them as one excerpt
 * ({@link Writer#flush}) right before the one publish that counts them all: a Chronicle append costs about as much
 * as handling a small task, and one per group instead of one per task is what keeps the log cheap. Other outcomes
 * (a dead task, a task done on retry) are groups of one ({@link Writer#ok}, {@link Writer#dead}).
 * <p>
 * <b>Exactly once with the slot.</b> A group counts if and only if its publish happened (the slot's selector count
 * is at least the group's) and it is the last group with its count in its slot's queue. Whoever takes a slot appends
 * a void group for a count that was never published ({@link Writer#voidUnpublished}) before it publishes anything, so
 * a group whose publish a kill, a task timeout or a fence prevented never counts. Counts in one slot's queue never go
 * down, so the rule needs a look-ahead of one excerpt; see {@link ResultsReader}.
 * <p>
 * An excerpt is raw bytes: count (8), records (4; -1 for a void group, which ends there), the time the group was
 * appended (epoch millis, 8), then each record: the seq as the difference from the record before (the first: seq + 1),
 * the status (1 byte: ok or dead), attempts, latency (nanos, zig-zag), value (zig-zag), all unsigned LEB128 varints;
 * payload (8, a double); body length (varint) and body. A group of done tasks of one batch takes about 14 bytes per
 * task without a body. Thread-safe for opening; a {@link Writer} belongs to one thread.
 */
public final class ResultsLog implements Closeable {
    public static final String DIR = "results";
    static final byte OK = 1;
    static final byte DEAD = 2;
    /** The record count of a void group. */
    static final int VOID = -1;
    /** Bytes of an excerpt before its records. */
    static final int GROUP_BYTES = 8 + 4 + 8;
    /** Most bytes of a record before its body: six varints of up to 10 bytes, the status and the payload. */
    static final int MAX_FIXED_BYTES = 6 * 10 + 1 + 8;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

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

    /** Most bytes a group of one record with a body of {@code bodyLength} bytes takes in its queue. */
    public static long recordBytes(int bodyLength) {
        return groupBytes(MAX_FIXED_BYTES + bodyLength);
    }

    /** Bytes a group takes in its queue, Chronicle's header included, given the bytes of its records. */
    public static long groupBytes(long recordBytes) {
        return 4 + GROUP_BYTES + recordBytes;
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
                queues[slot] = SingleChronicleQueueBuilder.binary(q.toFile()).rollCycle(rollCycle)
                        .timeProvider(new QueueClock()).build();
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

    /**
     * Appends one slot's groups. Not thread-safe: one thread, the slot's holder. Records {@link #add added} wait in a
     * buffer until {@link #flush}; the one-record methods need the buffer empty.
     */
    public static final class Writer implements Closeable {
        private final SingleChronicleQueue queue;
        private final ExcerptAppender appender;
        /** The queue's clock, which Chronicle reads in every {@code writingDocument}: it also stamps the group. */
        private final QueueClock clock;
        /** The records of the group being gathered. */
        private byte[] group = new byte[8192];
        private int length;
        private int records;
        /** The seq of the group's last record, or -1: records store their seq as the difference. */
        private long lastSeq = -1;

        Writer(SingleChronicleQueue queue) {
            this.queue = queue;
            this.appender = queue.createAppender();
            this.clock = (QueueClock) queue.time();
            // Creates the current cycle's file now, with the slot, rather than at the first outcome: that costs tens
            // of milliseconds, which would otherwise land on the first tasks of a run.
            try (DocumentContext dc = appender.writingDocument()) {
                dc.rollbackOnClose();
            }
        }

        /**
         * Adds the record of task {@code seq} done to the group being gathered. {@code body[0, bodyLength)} is the
         * handler's result body.
         */
        public void add(long seq, int attempts, long latencyNanos, long value, double payload, byte[] body,
                        int bodyLength) {
            record(seq, OK, attempts, latencyNanos, value, payload, body, bodyLength);
        }

        /** Records added since the last {@link #flush}. */
        public int gathered() {
            return records;
        }

        /** Bytes of the records added since the last {@link #flush}. */
        public long gatheredBytes() {
            return length;
        }

        /**
         * Appends the gathered records as one group, to be counted by the publish of selector count {@code count}:
         * call right before that publish. Does nothing if there are none.
         */
        public void flush(long count) {
            if (records == 0)
                return;
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> b = dc.wire().bytes();
                b.writeLong(count);
                b.writeInt(records);
                b.writeLong(clock.lastMillis());
                b.write(group, 0, length);
            }
            length = 0;
            records = 0;
            lastSeq = -1;
        }

        /**
         * Records task {@code seq} done, alone in its group, to be counted by the publish of selector count
         * {@code count}: call right before that publish.
         */
        public void ok(long count, long seq, int attempts, long latencyNanos, long value, double payload, byte[] body,
                       int bodyLength) {
            requireEmpty();
            record(seq, OK, attempts, latencyNanos, value, payload, body, bodyLength);
            flush(count);
        }

        /** Records task {@code seq} dead, with its last error, to be counted by the publish of {@code count}. */
        public void dead(long count, long seq, int attempts, long latencyNanos, byte[] error) {
            requireEmpty();
            record(seq, DEAD, attempts, latencyNanos, 0, 0, error, error.length);
            flush(count);
        }

        /**
         * Voids the last group if it was written for a publish that never happened (its count is above
         * {@code publishedCount}). Call after taking the slot, before publishing anything.
         *
         * @return true if a group was voided
         */
        public boolean voidUnpublished(long publishedCount) {
            long last = lastUnvoidedCount();
            if (last <= publishedCount)
                return false;
            try (DocumentContext dc = appender.writingDocument()) {
                Bytes<?> b = dc.wire().bytes();
                b.writeLong(last);
                b.writeInt(VOID);
            }
            return true;
        }

        @Override
        public void close() {
            appender.close();
        }

        /** The count of the last group, or -1 if there is none or it is a void group (voiding it again is moot). */
        private long lastUnvoidedCount() {
            try (ExcerptTailer tailer = queue.createTailer()) {
                tailer.direction(TailerDirection.BACKWARD).toEnd();
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent())
                        return -1;
                    Bytes<?> b = dc.wire().bytes();
                    long count = b.readLong();
                    return b.readInt() == VOID ? -1 : count;
                }
            }
        }

        private void requireEmpty() {
            if (records != 0)
                throw new IllegalStateException(records + " gathered records not flushed");
        }

        private void record(long seq, byte status, int attempts, long latencyNanos, long value, double payload,
                            byte[] body, int bodyLength) {
            if (group.length - length < MAX_FIXED_BYTES + bodyLength)
                group = Arrays.copyOf(group, Math.max(group.length * 2, length + MAX_FIXED_BYTES
                        + bodyLength));
            byte[] g = group;
            int at = varint(g, length, seq - lastSeq);
            g[at++] = status;
            at = varint(g, at, attempts);
            at = varint(g, at, zigzag(latencyNanos));
            at = varint(g, at, zigzag(value));
            LONGS.set(g, at, Double.doubleToRawLongBits(payload));
            at = varint(g, at + 8, bodyLength);
            if (bodyLength > 0)
                System.arraycopy(body, 0, g, at, bodyLength);
            length = at + bodyLength;
            lastSeq = seq;
            records++;
        }
    }

    /** Writes {@code v} (not negative) as an unsigned LEB128 varint at {@code at}; returns the index after it. */
    static int varint(byte[] b, int at, long v) {
        while ((v & ~0x7FL) != 0) {
            b[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[at++] = (byte) v;
        return at;
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** Reads an unsigned LEB128 varint. */
    static long readVarint(Bytes<?> b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.readByte();
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0)
                return v;
        }
    }
}
