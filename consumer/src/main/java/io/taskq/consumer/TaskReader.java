package io.taskq.consumer;

import io.taskq.common.store.QueueRetention;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.wire.ExcerptReader;
import io.taskq.common.wire.QueuedBatch;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;

/**
 * Reads tasks by seq with one tailer. An excerpt holds one task or a batch of tasks with dense seqs ({@link
 * QueuedBatch}); seqs are in queue order. Seqs a consumer asks for mostly grow, so the tailer mostly moves forward: it
 * skips other consumers' excerpts, and when the wanted seq is far ahead it jumps: first to where the seq would be if
 * the excerpts ahead held as many tasks each as the last one read (indexes are dense inside a roll cycle, and every
 * excerpt in a cycle before end of stream holds tasks), then, if that guess misses, by a galloping and binary search
 * over the cycle's indexes. A seq behind the tailer (a batch adopted from an orphaned slot) moves it back by a binary
 * search of its cycle, or from the start of the queue. The batch last read is kept as a copy, so the tasks of a batch
 * are read out of it one by one without touching the queue again. Never returns a half-written excerpt: Chronicle only
 * shows complete ones.
 * <p>
 * Not thread-safe; one per consumer thread.
 */
final class TaskReader implements Closeable {
    /** Jump rather than scan when the wanted seq is more than this many seqs past the excerpt last read. */
    private static final long JUMP_DISTANCE = 32;

    private static final Logger LOG = LoggerFactory.getLogger(TaskReader.class);

    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final RollCycle rollCycle;
    private final ExcerptReader excerpts = new ExcerptReader();
    /** The last batch excerpt read, copied; its tasks are read from here. */
    private final QueuedBatch batch = new QueuedBatch();
    /** A probe's task, so that probing never changes the caller's. */
    private final QueuedTask probe = new QueuedTask();
    /** Where this reader publishes the roll cycle its tailer is in, for queue retention; null when not tracked. */
    private final ResultSlot slot;
    private final QueueRetention retention;
    /** The last excerpt read: its index and its seqs {@code [lastFirst, lastEnd)}; lastIndex -1 when unknown. */
    private long lastIndex = -1;
    private long lastFirst;
    private long lastEnd;
    /** The seq the last rewind was for; a third rewind for the same seq means it is missing. */
    private long rewoundFor = -1;
    private int rewindAttempts;
    private int cycle = -1;
    private boolean pruneDue;

    /** A reader whose cycle nobody tracks; queue retention must then not run on this queue. */
    TaskReader(SingleChronicleQueue queue) {
        this(queue, null, null);
    }

    /**
     * A reader that records the roll cycle its tailer is in in {@code slot} (its owner's), and, when the tailer enters
     * a new cycle, runs {@code retention} (if enabled) once, outside any document.
     */
    TaskReader(SingleChronicleQueue queue, ResultSlot slot, QueueRetention retention) {
        this.queue = queue;
        this.tailer = queue.createTailer();
        this.rollCycle = queue.rollCycle();
        this.slot = slot;
        this.retention = retention;
        batch.clear();
        if (slot != null)
            slot.readerCycle(-1);
    }

    /**
     * Reads task {@code seq} into {@code task}.
     *
     * @return true if read; false if it is not in the queue yet (call again later)
     * @throws IllegalStateException if the queue does not hold {@code seq} where it must be (damaged queue)
     */
    boolean read(long seq, QueuedTask task) {
        if (pruneDue)
            prune();
        if (batch.holds(seq)) {
            batch.read(seq, task);
            return true;
        }
        if (lastIndex >= 0) {
            if (seq < lastFirst)
                rewindTo(seq); // an adopted batch lies behind this consumer's own work
            else if (seq - lastEnd > JUMP_DISTANCE)
                jumpTowards(seq);
        }
        for (; ; ) {
            boolean overshot;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent())
                    return false;
                ExcerptReader.Kind kind = excerpts.read(dc, task);
                long first;
                long end;
                if (kind == ExcerptReader.Kind.TASK) {
                    first = task.seq();
                    end = first + 1;
                } else if (kind == ExcerptReader.Kind.BATCH) {
                    first = excerpts.batchFirstSeq();
                    end = first + excerpts.batchCount();
                } else {
                    continue;
                }
                lastIndex = dc.index();
                lastFirst = first;
                lastEnd = end;
                if (rollCycle.toCycle(lastIndex) != cycle)
                    enteredCycle(rollCycle.toCycle(lastIndex));
                overshot = seq < first;
                if (!overshot && seq < end) {
                    rewoundFor = -1;
                    if (kind == ExcerptReader.Kind.BATCH) {
                        excerpts.copyBatch(dc, batch);
                        batch.read(seq, task);
                    }
                    return true;
                }
            }
            // The tailer can only be moved once the document is closed.
            if (overshot)
                rewindTo(seq);
            else if (seq - lastEnd > JUMP_DISTANCE)
                jumpTowards(seq);
        }
    }

    /** Publishes the new cycle before anything could prune by it; the prune itself waits for the next read. */
    private void enteredCycle(int newCycle) {
        cycle = newCycle;
        if (slot != null) {
            slot.readerCycle(newCycle);
            pruneDue = retention != null && retention.enabled();
        }
    }

    /** Retention is housekeeping: a failure is logged and retried at the next cycle, never fatal to the consumer. */
    private void prune() {
        pruneDue = false;
        try {
            retention.prune();
            retention.pruneResults(slot.index());
        } catch (RuntimeException e) {
            LOG.warn("Retention failed; trying again when the reader enters the next roll cycle", e);
        }
    }

    /**
     * Moves the tailer towards {@code seq}, which lies more than {@link #JUMP_DISTANCE} past the last excerpt read, in
     * that excerpt's roll cycle: to the excerpt holding it, or to the last one of the cycle below it (the scan goes on
     * from there). First a guess from the last excerpt's size, which is exact for a run of single tasks or of equal
     * batches; if it misses, a galloping search forward and a binary search back. Every probe that finds nothing (not
     * written yet, or past the cycle's end) counts as past {@code seq}.
     */
    private void jumpTowards(long seq) {
        long below = lastIndex;
        long size = Math.max(1, lastEnd - lastFirst);
        long guess = lastIndex + 1 + (seq - lastEnd) / size;
        long above;
        long found = probe(guess, seq);
        if (found == NOT_FOUND || found > seq) {
            above = guess;
        } else {
            if (seq < probeEnd)
                return; // the probe left the tailer on the excerpt that holds seq
            below = guess;
            long step = Math.max(1, guess - lastIndex);
            for (; ; step *= 2) {
                long next = below + step;
                found = probe(next);
                if (found == NOT_FOUND || found > seq) {
                    above = next;
                    break;
                }
                below = next;
            }
        }
        long target = search(below, above, seq);
        moveTo(target);
        if (target == lastIndex) {
            // No excerpt of this cycle past the last one read comes closer: the seq is in a later cycle, or not written
            // yet. Step past the last one again, so that the scan goes on instead of reading it once more.
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent())
                    throw new IllegalStateException("task queue " + queue.file() + ": index "
                            + Long.toHexString(target) + " was read but is no longer there");
            }
        }
    }

    /**
     * The highest index in {@code [below, above)} whose excerpt's first seq is at most {@code seq}, given that
     * {@code below}'s is and {@code above}'s is not (or holds nothing).
     */
    private long search(long below, long above, long seq) {
        while (above - below > 1) {
            long mid = below + (above - below) / 2;
            long found = probe(mid);
            if (found == NOT_FOUND || found > seq)
                above = mid;
            else
                below = mid;
        }
        return below;
    }

    /** What {@link #probe} returns when there is no task excerpt at the index. */
    private static final long NOT_FOUND = Long.MIN_VALUE;
    /** The seq after the last task of the excerpt the last probe found. */
    private long probeEnd;

    /**
     * The first seq of the task or batch excerpt at {@code index}, an end of stream's count, or {@link #NOT_FOUND};
     * leaves the tailer anywhere.
     */
    private long probe(long index) {
        return probe(index, NOT_FOUND);
    }

    /**
     * As {@link #probe(long)}, but if the excerpt at {@code index} holds task {@code wanted}, leaves the tailer on it
     * (the read is rolled back), so that the next read reads it without moving the tailer there again.
     */
    private long probe(long index, long wanted) {
        if (rollCycle.toCycle(index) != rollCycle.toCycle(lastIndex) || !tailer.moveToIndex(index))
            return NOT_FOUND;
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent())
                return NOT_FOUND;
            long first;
            switch (excerpts.read(dc, probe)) {
                case TASK -> {
                    first = probe.seq();
                    probeEnd = first + 1;
                }
                case BATCH -> {
                    first = excerpts.batchFirstSeq();
                    probeEnd = first + excerpts.batchCount();
                }
                case END_OF_STREAM -> {
                    probeEnd = excerpts.endOfStreamCount();
                    return excerpts.endOfStreamCount();
                }
                default -> {
                    return NOT_FOUND;
                }
            }
            if (first <= wanted && wanted < probeEnd)
                dc.rollbackOnClose();
            return first;
        }
    }

    /** Puts the tailer at {@code index}, an excerpt known to exist, so that the next read reads it. */
    private void moveTo(long index) {
        if (!tailer.moveToIndex(index))
            throw new IllegalStateException("task queue " + queue.file() + ": cannot move back to index "
                    + Long.toHexString(index) + ", which was just read");
    }

    /**
     * Moves back after overshooting {@code seq} (or before reading a seq behind the last excerpt): first by a binary
     * search of the last excerpt's roll cycle, then from the start of the queue; a third overshoot for the same seq
     * means the queue does not hold it.
     */
    private void rewindTo(long seq) {
        int attempt = rewoundFor == seq ? rewindAttempts + 1 : 0;
        if (attempt >= 2)
            throw new IllegalStateException("task queue " + queue.file() + ": seq " + seq + " is missing (found seqs "
                    + lastFirst + ".." + (lastEnd - 1) + " where it should be)");
        boolean moved = false;
        if (attempt == 0) {
            long cycleStart = rollCycle.toIndex(rollCycle.toCycle(lastIndex), 0);
            long first = probe(cycleStart);
            if (first != NOT_FOUND && first <= seq) {
                moveTo(search(cycleStart, lastIndex, seq));
                moved = true;
            }
        }
        if (!moved) {
            tailer.toStart();
            attempt = 1;
        }
        rewoundFor = seq;
        rewindAttempts = attempt;
        lastIndex = -1;
    }

    @Override
    public void close() {
        tailer.close();
    }
}
