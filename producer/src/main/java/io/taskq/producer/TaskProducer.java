package io.taskq.producer;

import io.taskq.common.StreamSealedException;
import io.taskq.common.TaskQException;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Joiner;
import io.taskq.common.store.Ledger;
import io.taskq.common.store.QueueClock;
import io.taskq.common.store.QueueRetention;
import io.taskq.common.store.SpaceReserve;
import io.taskq.common.wire.ExcerptReader;
import io.taskq.common.wire.Excerpts;
import io.taskq.common.wire.QueuedBatch;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.core.io.IORuntimeException;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Puts tasks into a data directory: JoinableQueue's {@code put}, {@code join} and end of stream.
 * <p>
 * {@code put} takes the queue's write lock (Chronicle's {@code writingDocument}), sets {@code seq = submitted},
 * writes the excerpt and publishes {@code submitted = seq + 1} before releasing the lock, so several producers, in
 * any processes, get dense seqs in queue order. At start a producer repairs {@code submitted} (and {@code sealed})
 * from the queue's last excerpt, in case a producer was killed mid-put.
 * <p>
 * A task is a {@code value} ({@code int}) and a {@code payload} ({@code double}), with an optional opaque body of up to
 * {@code queue.max-body-bytes} bytes that handlers read with {@link io.taskq.common.Task#body()}. The {@code put}
 * methods differ only in what they take; each returns the task's seq and has the same guarantees and exceptions:
 * <ul>
 *   <li>{@link #put(int, double)}: no body;</li>
 *   <li>{@link #put(byte[])} and {@link #put(int, double, byte[])}: a body from an array, which the producer copies
 *   before it returns (the caller may reuse the array at once);</li>
 *   <li>{@link #put(ByteBuffer)} and {@link #put(int, double, ByteBuffer)}: a body from a buffer's position to its
 *   limit, written straight into the queue without an intermediate copy (one memory copy from a direct buffer, one
 *   array copy from a heap buffer; a read-only heap buffer, whose array is hidden, is read byte by byte). The buffer's
 *   position, limit and mark are unchanged on return, so the same buffer can be put again, and the producer keeps no
 *   reference to it.</li>
 * </ul>
 * A body-less put and a put of an empty body write the same task: {@link io.taskq.common.Task#hasBody()} is false.
 * {@code put(body)} sets {@code value = 0} and {@code payload = 0.0}.
 * <p>
 * Not thread-safe: use one instance per thread, and do not change a buffer or array while it is being put.
 * {@link #close()} releases files; it does not end the stream, because other producers may still be putting: call
 * {@link #seal()} for that.
 */
public final class TaskProducer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskProducer.class);

    /**
     * Bytes a task excerpt without a body takes in the queue, rounded up (about 60 for the excerpt, plus index
     * entries); only paces the free-space checks.
     */
    private static final int TASK_EXCERPT_BYTES = 96;

    private final DataDirectory data;
    private final Ledger ledger;
    private final ExcerptAppender appender;
    /** The queue's clock: {@code writingDocument} reads it, and the put stamps its tasks with that reading. */
    private final QueueClock clock;
    private final int maxBodyBytes;
    private final SpaceReserve space;
    private final QueueRetention retention;
    /** Runs retention when the disk reaches the reserve, before refusing puts. */
    private final Runnable reclaim;
    /** Set when {@code producer.sync=msync}: each put and seal is flushed to disk before it returns. */
    private final DurableWrites durable;
    private final QueuedTask task = new QueuedTask();
    private int prunedAtCycle = Integer.MIN_VALUE;

    private TaskProducer(DataDirectory data, int maxBodyBytes, long minFreeBytes, int keepCycles, boolean msync) {
        this.data = data;
        this.ledger = data.ledger();
        this.appender = data.queue().createAppender();
        this.clock = data.queueClock();
        this.maxBodyBytes = maxBodyBytes;
        this.space = SpaceReserve.of(data.queue().file().toPath(), minFreeBytes);
        this.retention = new QueueRetention(data, keepCycles);
        this.reclaim = retention.enabled() ? retention::prune : () -> { };
        this.durable = msync ? new DurableWrites(appender, ledger) : null;
        repair();
    }

    /** Opens (creating if needed) the settings' data directory. */
    public static TaskProducer open(ProducerSettings settings) {
        DataDirectory data = DataDirectory.openOrCreate(settings.dataDir(), settings.slots(), settings.rollCycle(),
                settings.access());
        try {
            return new TaskProducer(data, settings.maxBodyBytes(), settings.minFreeBytes(), settings.keepCycles(),
                    settings.msync());
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /**
     * Appends one task and returns its seq.
     *
     * @throws StreamSealedException if the stream is sealed; nothing was written
     * @throws TaskQException        with {@link TaskQException#EXIT_NO_SPACE} when less than
     *                               {@code queue.min-free-bytes} is free on the queue's file system; the task was not
     *                               written, and every task put before it is safe
     */
    public long put(int value, double payload) {
        return append(task.set(value, payload), null);
    }

    /**
     * Appends one task with a body and returns its seq.
     *
     * @throws IllegalArgumentException if the body is longer than {@code queue.max-body-bytes}; nothing was written
     * @throws StreamSealedException   if the stream is sealed; nothing was written
     * @throws TaskQException           with {@link TaskQException#EXIT_NO_SPACE}, as {@link #put(int, double)}
     */
    public long put(int value, double payload, byte[] body) {
        requireBodyFits(body.length);
        return append(task.set(value, payload).body(body), null);
    }

    /**
     * Appends one task with {@code value = 0}, {@code payload = 0.0} and a copy of {@code body}; returns its seq.
     *
     * @throws IllegalArgumentException if the body is longer than {@code queue.max-body-bytes}; nothing was written
     * @throws StreamSealedException   if the stream is sealed; nothing was written
     * @throws TaskQException           with {@link TaskQException#EXIT_NO_SPACE}, as {@link #put(int, double)}
     */
    public long put(byte[] body) {
        return put(0, 0.0, body);
    }

    /**
     * Appends one task whose body is {@code body}'s bytes from its position to its limit, written into the queue
     * without an intermediate copy; returns its seq. {@code body}'s position, limit and mark are unchanged on return,
     * whatever the outcome.
     *
     * @throws IllegalArgumentException if {@code body.remaining()} is more than {@code queue.max-body-bytes}; nothing
     *                                  was written
     * @throws StreamSealedException   if the stream is sealed; nothing was written
     * @throws TaskQException           with {@link TaskQException#EXIT_NO_SPACE}, as {@link #put(int, double)}
     */
    public long put(int value, double payload, ByteBuffer body) {
        requireBodyFits(body.remaining());
        return append(task.set(value, payload), body);
    }

    /**
     * Appends one task with {@code value = 0}, {@code payload = 0.0} and the bytes of {@code body} from its position
     * to its limit, as {@link #put(int, double, ByteBuffer)}; returns its seq.
     *
     * @throws IllegalArgumentException if {@code body.remaining()} is more than {@code queue.max-body-bytes}; nothing
     *                                  was written
     * @throws StreamSealedException   if the stream is sealed; nothing was written
     * @throws TaskQException           with {@link TaskQException#EXIT_NO_SPACE}, as {@link #put(int, double)}
     */
    public long put(ByteBuffer body) {
        return put(0, 0.0, body);
    }

    /** A new, empty batch for {@link #putAll(TaskBatch)}, with this producer's {@code queue.max-body-bytes}. */
    public TaskBatch newBatch() {
        return new TaskBatch(maxBodyBytes);
    }

    /**
     * Appends every task of {@code batch} as one excerpt, all or nothing, and empties the batch: the tasks get dense
     * seqs from the returned one, in the batch's order, and one {@code createdNanos}. Consumers claim and handle them
     * one by one, exactly as put one at a time; a claim may begin or end inside a batch. An empty batch writes
     * nothing and returns -1.
     *
     * @return the seq of the batch's first task, or -1 if it was empty
     * @throws StreamSealedException if the stream is sealed; nothing was written and the batch is unchanged
     * @throws TaskQException         with {@link TaskQException#EXIT_NO_SPACE}, as {@link #put(int, double)}; the
     *                                batch was not written and is unchanged
     */
    public long putAll(TaskBatch batch) {
        QueuedBatch tasks = batch.tasks();
        if (tasks.isEmpty())
            return -1;
        long first = append(null, null, tasks);
        batch.clear();
        return first;
    }

    private void requireBodyFits(int length) {
        if (length > maxBodyBytes)
            throw new IllegalArgumentException("task body of " + length + " bytes exceeds queue.max-body-bytes="
                    + maxBodyBytes);
    }

    /** Appends {@code t}, with {@code body}'s remaining bytes as its body unless {@code body} is null. */
    private long append(QueuedTask t, ByteBuffer body) {
        return append(t, body, null);
    }

    /**
     * Appends one excerpt under the queue's write lock and returns its first seq: {@code batch}'s tasks when it is not
     * null, else task {@code t} (with {@code body}'s remaining bytes as its body unless {@code body} is null).
     */
    private long append(QueuedTask t, ByteBuffer body, QueuedBatch batch) {
        long bytes = batch != null ? batch.taskBytes() : t.bodyLength() + (body == null ? 0 : body.remaining());
        if (space.charge(TASK_EXCERPT_BYTES + bytes, reclaim))
            pruneAfterRoll();
        long first;
        try (DocumentContext dc = appender.writingDocument()) {
            long sealed = ledger.sealedCount();
            if (sealed >= 0) {
                dc.rollbackOnClose();
                throw new StreamSealedException(sealed);
            }
            first = ledger.submitted();
            // Chronicle has just read the queue's clock to find the cycle: one reading serves both.
            long now = clock.lastNanos();
            int count;
            try {
                if (batch != null) {
                    Excerpts.writeBatch(dc.wire(), batch.stamp(first, now));
                    count = batch.count();
                } else {
                    t.seq(first).createdNanos(now);
                    if (body == null)
                        Excerpts.writeTask(dc.wire(), t);
                    else
                        Excerpts.writeTask(dc.wire(), t, body);
                    count = 1;
                }
            } catch (RuntimeException e) {
                // Closing the document would commit the excerpt half-written: a second excerpt with these seqs.
                dc.rollbackOnClose();
                throw e;
            }
            ledger.publishSubmitted(first + count);
            if (first == 0)
                ledger.recordFirstPut(now);
        } catch (InternalError e) {
            throw mappedWriteFailed(e);
        } catch (IORuntimeException e) {
            throw growFailed(e);
        }
        if (durable != null)
            durable.flush();
        return first;
    }

    /**
     * Chronicle could not grow the queue file to map its next chunk: a file-size limit ({@code ulimit -f}), or a file
     * system that refuses to extend it. Chronicle grows the file when it reserves an excerpt's header, and a 16 MiB
     * overlap between chunks means an excerpt never needs the next chunk once its header is placed, so nothing of the
     * failed put was written.
     */
    private TaskQException growFailed(IORuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root)
            root = root.getCause();
        return new TaskQException(TaskQException.EXIT_NO_SPACE, "cannot grow the task queue's file in " + space.dir()
                + " (" + root.getClass().getSimpleName() + ": " + root.getMessage()
                + "; a file-size limit such as ulimit -f, or a full file system); no more tasks are accepted", e);
    }

    /**
     * Queue retention, run about once per MiB written but only acting after the appender entered a new roll cycle:
     * files become deletable as the done watermark passes them, and a roll is when a new one can appear.
     */
    private void pruneAfterRoll() {
        if (!retention.enabled())
            return;
        int cycle = data.queue().cycle();
        if (cycle == prunedAtCycle)
            return;
        prunedAtCycle = cycle;
        retention.prune();
    }

    /**
     * A fault writing the queue's memory-mapped file, which Chronicle gets as SIGBUS and the JVM reports as an
     * asynchronous InternalError: on Linux that means the file system had no page left (something else filled it past
     * the reserve). The error surfaces a few instructions after the fault, so the last excerpt may lack a page.
     */
    private TaskQException mappedWriteFailed(InternalError e) {
        return new TaskQException(TaskQException.EXIT_NO_SPACE, "writing the task queue " + space.dir()
                + " failed with a fault on its memory-mapped file (" + e.getMessage()
                + "); the file system is probably full (" + SpaceReserve.bytes(space.freeBytes())
                + " free); the last task written may be damaged, check it with taskq tail", e);
    }

    /**
     * Ends the stream: writes the end-of-stream control excerpt and sets {@code sealed}. Idempotent.
     *
     * @return the final task count
     */
    public long seal() {
        if (ledger.sealedCount() < 0)
            space.requireForControl("seal the stream");
        long sealedNow;
        try (DocumentContext dc = appender.writingDocument()) {
            long sealed = ledger.sealedCount();
            if (sealed >= 0) {
                dc.rollbackOnClose();
                return sealed;
            }
            long count = ledger.submitted();
            dc.wire().writeEventName(Excerpts.END_OF_STREAM)
                    .marshallable(w -> w.write(Excerpts.SUBMITTED_FIELD).int64(count));
            ledger.publishSealed(count);
            LOG.info("Sealed the stream at {} tasks", count);
            sealedNow = count;
        } catch (InternalError e) {
            throw mappedWriteFailed(e);
        } catch (IORuntimeException e) {
            throw growFailed(e);
        }
        if (durable != null)
            durable.flush();
        return sealedNow;
    }

    /** Tasks submitted so far by all producers. */
    public long submitted() {
        return ledger.submitted();
    }

    /**
     * Waits until every task submitted before this call (by any producer) is done.
     *
     * @return true when done, false if {@code timeout} passed first
     */
    public boolean join(Duration timeout) {
        return Joiner.awaitDone(data, ledger.submitted(), timeout);
    }

    /** Waits until the stream is sealed and every task in it is done; false if {@code timeout} passed first. */
    public boolean joinAll(Duration timeout) {
        return Joiner.awaitAll(data, timeout);
    }

    public DataDirectory data() {
        return data;
    }

    /**
     * Makes {@code submitted} and {@code sealed} agree with the queue, the source of truth. {@code put} publishes
     * {@code submitted} before its excerpt is committed (both under the write lock), so a producer killed between the
     * two leaves {@code submitted} one ahead of the queue; this hands that seq out again. Runs under the write lock,
     * so no put interleaves.
     */
    private void repair() {
        try (DocumentContext lock = appender.writingDocument()) {
            lock.rollbackOnClose();
            long expected = 0;
            long sealedAt = -1;
            try (ExcerptTailer tailer = data.queue().createTailer()) {
                tailer.direction(TailerDirection.BACKWARD).toEnd();
                ExcerptReader reader = new ExcerptReader();
                QueuedTask last = new QueuedTask();
                for (boolean found = false; !found; ) {
                    try (DocumentContext dc = tailer.readingDocument()) {
                        if (!dc.isPresent())
                            break;
                        switch (reader.read(dc, last)) {
                            case TASK -> {
                                expected = last.seq() + 1;
                                found = true;
                            }
                            case BATCH -> {
                                expected = reader.batchFirstSeq() + reader.batchCount();
                                found = true;
                            }
                            case END_OF_STREAM -> {
                                sealedAt = reader.endOfStreamCount();
                                expected = sealedAt;
                                found = true;
                            }
                            case OTHER -> {
                            }
                        }
                    }
                }
            }
            long submitted = ledger.submitted();
            if (submitted != expected) {
                LOG.warn("Repairing submitted in {} from {} to {}: a producer was stopped in the middle of a put",
                        ledger.file(), submitted, expected);
                ledger.publishSubmitted(expected);
            }
            if (sealedAt >= 0 && ledger.sealedCount() < 0) {
                LOG.warn("Repairing sealed in {}: the queue ends with end of stream at {} tasks", ledger.file(),
                        sealedAt);
                ledger.publishSealed(sealedAt);
            }
            if (sealedAt < 0 && ledger.sealedCount() >= 0)
                throw new TaskQException(TaskQException.EXIT_USAGE, "ledger " + ledger.file() + " says sealed at "
                        + ledger.sealedCount()
                        + " tasks but the queue has no end-of-stream excerpt (damaged data directory)");
        }
    }

    @Override
    public void close() {
        if (durable != null)
            durable.close();
        appender.close();
        data.close();
    }
}
