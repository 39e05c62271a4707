package io.taskq.common.wire;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.Wire;

/**
 * Decodes one excerpt of the task queue (see {@link Excerpts}): a task into a reused {@link QueuedTask}, a batch's
 * seqs (and on request its tasks), or end of stream with its task count. Allocates nothing per excerpt. Not
 * thread-safe; one per reading thread.
 * <p>
 * A task excerpt is recognised by its first bytes (the event name and the DTO's length code, as the wire writes
 * them), compared as one word, and decoded straight from the bytes; anything else goes through the wire.
 */
public final class ExcerptReader {
    /** What an excerpt holds. */
    public enum Kind {
        TASK, BATCH, END_OF_STREAM, OTHER
    }

    private final StringBuilder event = new StringBuilder();
    private long endOfStreamCount = -1;
    private long batchFirstSeq = -1;
    private int batchCount;
    /** Where the last batch's DTO lies in its excerpt's bytes; valid while that document is open. */
    private long batchStart;
    private long batchEnd;

    /**
     * Reads the excerpt in {@code dc}, which must be present. A task is read into {@code task}; for a batch only its
     * seqs are read ({@link #batchFirstSeq()}, {@link #batchCount()}), and {@link #copyBatch} copies its tasks while
     * {@code dc} is still open; for end of stream, {@link #endOfStreamCount()} gives its count.
     */
    public Kind read(DocumentContext dc, QueuedTask task) {
        if (!dc.isData())
            return Kind.OTHER;
        Wire wire = dc.wire();
        Bytes<?> bytes = wire.bytes();
        long start = bytes.readPosition();
        long limit = bytes.readLimit();
        if (limit - start >= Excerpts.TASKS_PREFIX_BYTES + 4 + QueuedBatch.FIXED_BYTES
                && (bytes.readLong(start) & Excerpts.TASKS_PREFIX_MASK) == Excerpts.TASKS_PREFIX) {
            long dto = start + Excerpts.TASKS_PREFIX_BYTES + 4;
            long end = dto + bytes.readInt(start + Excerpts.TASKS_PREFIX_BYTES);
            if (end <= limit) {
                batchFirstSeq = bytes.readLong(dto);
                batchCount = bytes.readInt(dto + 16);
                batchStart = dto;
                batchEnd = end;
                return Kind.BATCH;
            }
        }
        long dto = start + Excerpts.TASK_PREFIX_BYTES + 4;
        if (limit - start >= Excerpts.TASK_PREFIX_BYTES + 4 + QueuedTask.FIXED_BYTES
                && (bytes.readLong(start) & Excerpts.TASK_PREFIX_MASK) == Excerpts.TASK_PREFIX) {
            long end = dto + bytes.readInt(start + Excerpts.TASK_PREFIX_BYTES);
            if (end <= limit) {
                bytes.readLimit(end);
                bytes.readPosition(dto);
                try {
                    task.readMarshallable(bytes);
                } finally {
                    bytes.readLimit(limit);
                    bytes.readPosition(end);
                }
                return Kind.TASK;
            }
        }
        ValueIn in = wire.readEventName(event);
        if (Excerpts.TASK.contentEquals(event)) {
            in.marshallable(task);
            return Kind.TASK;
        }
        if (Excerpts.END_OF_STREAM.contentEquals(event)) {
            in.marshallable(w -> endOfStreamCount = w.read(Excerpts.SUBMITTED_FIELD).int64());
            return Kind.END_OF_STREAM;
        }
        return Kind.OTHER;
    }

    /**
     * Copies the batch that the last {@link #read} found into {@code batch}; {@code dc}, the document it was read from,
     * must still be open.
     */
    public void copyBatch(DocumentContext dc, QueuedBatch batch) {
        Bytes<?> bytes = dc.wire().bytes();
        long limit = bytes.readLimit();
        bytes.readLimit(batchEnd);
        bytes.readPosition(batchStart);
        try {
            batch.readMarshallable(bytes);
        } finally {
            bytes.readLimit(limit);
            bytes.readPosition(batchEnd);
        }
    }

    /** The seq of the first task of the last batch read. */
    public long batchFirstSeq() {
        return batchFirstSeq;
    }

    /** The number of tasks in the last batch read. */
    public int batchCount() {
        return batchCount;
    }

    /** The task count of the last end-of-stream excerpt read, or -1. */
    public long endOfStreamCount() {
        return endOfStreamCount;
    }

    /** The event name of the last excerpt read, for messages. */
    public CharSequence event() {
        return event;
    }
}
