package io.taskq.consumer;

import io.taskq.common.store.QueueRetention;
import io.taskq.common.store.ResultSlot;
import io.taskq.common.wire.ExcerptReader;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;

/**
 * Reads tasks by seq with one tailer. Seqs a consumer asks for mostly grow, so the tailer mostly moves forward: it
 * skips other consumers' seqs, and when the wanted seq is far ahead it jumps there by index arithmetic (indexes are
 * dense inside a roll cycle, and every excerpt in a cycle before end of stream is a task), then checks the seq it
 * lands on. A seq behind the tailer (a batch adopted from an orphaned slot) moves it back the same way. Never returns
 * a half-written excerpt: Chronicle only shows complete ones.
 * <p>
 * Not thread-safe; one per consumer thread.
 */
final class TaskReader implements Closeable {
    /** Jump rather than scan when the wanted seq is more than this far ahead. */
    private static final long JUMP_DISTANCE = 32;

    private static final Logger LOG = LoggerFactory.getLogger(TaskReader.class);

    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final RollCycle rollCycle;
    private final ExcerptReader excerpts = new ExcerptReader();
    /** Where this reader publishes the roll cycle its tailer is in, for queue retention; null when not tracked. */
    private final ResultSlot slot;
    private final QueueRetention retention;
    private long lastSeq = -1;
    private long lastIndex = -1;
    /** The seq the last rewind was for; a second rewind for the same seq means it is missing. */
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
        if (lastSeq >= 0) {
            if (seq <= lastSeq)
                rewindTo(seq); // an adopted batch lies behind this consumer's own work
            else if (seq - lastSeq > JUMP_DISTANCE)
                jumpTowards(seq);
        }
        for (; ; ) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent())
                    return false;
                if (excerpts.read(dc, task) != ExcerptReader.Kind.TASK)
                    continue;
                lastSeq = task.seq();
                lastIndex = dc.index();
                if (rollCycle.toCycle(lastIndex) != cycle)
                    enteredCycle(rollCycle.toCycle(lastIndex));
                if (lastSeq == seq) {
                    rewoundFor = -1;
                    return true;
                }
                if (lastSeq < seq)
                    continue;
            }
            // Overshot: the tailer can only be moved once the document is closed.
            rewindTo(seq);
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

    private void jumpTowards(long seq) {
        long candidate = lastIndex + (seq - lastSeq);
        if (rollCycle.toCycle(candidate) != rollCycle.toCycle(lastIndex))
            return;
        // Not written yet: go back to where we were and scan forward as it arrives.
        if (!tailer.moveToIndex(candidate) && !tailer.moveToIndex(lastIndex + 1))
            tailer.moveToIndex(lastIndex);
    }

    /**
     * Moves back after overshooting {@code seq}: first by index arithmetic, then from the start of the queue; a third
     * overshoot for the same seq means the queue does not hold it.
     */
    private void rewindTo(long seq) {
        int attempt = rewoundFor == seq ? rewindAttempts + 1 : 0;
        if (attempt >= 2)
            throw new IllegalStateException("task queue " + queue.file() + ": seq " + seq + " is missing (found seq "
                    + lastSeq + " where it should be)");
        long candidate = lastIndex - (lastSeq - seq);
        boolean moved = attempt == 0 && rollCycle.toCycle(candidate) == rollCycle.toCycle(lastIndex)
                && tailer.moveToIndex(candidate);
        if (!moved) {
            tailer.toStart();
            attempt = 1;
        }
        rewoundFor = seq;
        rewindAttempts = attempt;
        lastSeq = -1;
        lastIndex = -1;
    }

    @Override
    public void close() {
        tailer.close();
    }
}
