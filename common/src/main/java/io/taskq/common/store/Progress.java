package io.taskq.common.store;

import io.taskq.common.Await;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A snapshot of a data directory's progress: the ledger's counters, the sum over all slots, the done watermark and
 * one {@link SlotSnapshot} per used slot. Immutable. Reading takes no lock and changes nothing.
 */
public final class Progress {
    /** {@link #awaitUsedSlots} polls every 10 ms: processes are starting, and each poll reads every slot. */
    private static final Await SLOTS_POLL = Await.backoff(Duration.ofMillis(10), Duration.ofMillis(10));

    private final long submitted;
    private final long claimed;
    private final long sealedCount;
    private final long done;
    private final long dead;
    private final long failures;
    private final long retrying;
    private final long watermark;
    private final long sumValue;
    private final double sumPayload;
    private final long firstPutNanos;
    private final List<SlotSnapshot> slots;

    private Progress(long submitted, long claimed, long sealedCount, long done, long dead, long failures,
                     long retrying, long watermark, long sumValue, double sumPayload, long firstPutNanos,
                     List<SlotSnapshot> slots) {
        this.submitted = submitted;
        this.claimed = claimed;
        this.sealedCount = sealedCount;
        this.done = done;
        this.dead = dead;
        this.failures = failures;
        this.retrying = retrying;
        this.watermark = watermark;
        this.sumValue = sumValue;
        this.sumPayload = sumPayload;
        this.firstPutNanos = firstPutNanos;
        this.slots = slots;
    }

    /**
     * Waits until {@code slots} slots of the data directory {@code dir} have been taken, polling every 10 ms (with
     * {@link Await}) from the moment some process has created it (its ledger exists). Returns false as soon as
     * {@code keepWaiting} returns false, or once {@code deadlineNanos} ({@link System#nanoTime()}) has passed. Opens
     * the directory as status does, and closes it again.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public static boolean awaitUsedSlots(Path dir, RollCycles rollCycle, int slots, long deadlineNanos,
                                         BooleanSupplier keepWaiting) throws InterruptedException {
        DataDirectory[] opened = new DataDirectory[1];
        boolean[] taken = new boolean[1];
        try {
            boolean ended = SLOTS_POLL.until(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())), () -> {
                if (!keepWaiting.getAsBoolean())
                    return true;
                if (opened[0] == null && Files.exists(dir.resolve(DataDirectory.LEDGER)))
                    opened[0] = DataDirectory.openExisting(dir, rollCycle);
                taken[0] = opened[0] != null && read(opened[0]).slots().size() >= slots;
                return taken[0];
            });
            if (!ended && Thread.interrupted())
                throw new InterruptedException("interrupted while waiting for " + slots + " slots of " + dir);
            return ended && taken[0];
        } finally {
            if (opened[0] != null)
                opened[0].close();
        }
    }

    public static Progress read(DataDirectory data) {
        Ledger ledger = data.ledger();
        SlotTable table = data.slots();
        long cursor = ledger.claimCursor();
        long watermark = Ledger.claimPosition(cursor);
        long done = 0;
        long dead = 0;
        long failures = 0;
        long retrying = 0;
        long[] retries = new long[2];
        long sumValue = 0;
        double sumPayload = 0;
        List<SlotSnapshot> used = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            ResultSlot slot = table.slot(i);
            SlotState state = slot.state();
            if (state == SlotState.UNUSED)
                continue;
            SlotFigures figures = new SlotFigures();
            boolean fenced = slot.fenced();
            slot.readFiguresAndRetries(figures, retries);
            long next = ClaimProtocol.nextInFlight(i, slot, figures, cursor);
            if (next >= 0)
                watermark = Math.min(watermark, next);
            // A task in backoff is not finished, nor is a dead letter announced but not yet written.
            watermark = Math.min(watermark, retries[1]);
            if (figures.pendingDeadSeq >= 0)
                watermark = Math.min(watermark, figures.pendingDeadSeq);
            used.add(new SlotSnapshot(i, slot.ownerPid(), slot.ownerAlive(), state,
                    slot.heartbeatMillis(), slot.ownerSinceMillis(), slot.restarts(), figures, next,
                    ResultSlot.claimHi(slot.claimWord()), slot.attempts(), slot.adopted(), retries[0], fenced));
            done += figures.done;
            dead += figures.dead;
            failures += figures.failures;
            retrying += retries[0];
            sumValue += figures.sumValue;
            sumPayload += figures.sumPayload;
        }
        // Read after the slots, in this order, so that done <= claimed <= submitted in every snapshot. The watermark
        // needs the cursor read before the slots, above.
        long claimed = Ledger.claimPosition(ledger.claimCursor());
        long submitted = ledger.submitted();
        return new Progress(submitted, claimed, ledger.sealedCount(), done, dead, failures, retrying, watermark,
                sumValue, sumPayload, ledger.firstPutNanos(), Collections.unmodifiableList(used));
    }

    public long submitted() {
        return submitted;
    }

    /** The claim cursor: seqs below it have been handed to some consumer. */
    public long claimed() {
        return claimed;
    }

    public boolean sealed() {
        return sealedCount >= 0;
    }

    /** The task count at end of stream, or -1 while the stream is open. */
    public long sealedCount() {
        return sealedCount;
    }

    /** Tasks done, summed over all slots. */
    public long done() {
        return done;
    }

    /** Tasks dead-lettered after their last attempt, summed over all slots. */
    public long dead() {
        return dead;
    }

    /** Failed handler calls recorded, summed over all slots: each scheduled a retry or made a task dead. */
    public long failures() {
        return failures;
    }

    /** Tasks waiting in backoff for another attempt. */
    public long retrying() {
        return retrying;
    }

    /** Every seq below this is finished: done or dead. */
    public long watermark() {
        return watermark;
    }

    public long sumValue() {
        return sumValue;
    }

    public double sumPayload() {
        return sumPayload;
    }

    public long firstPutNanos() {
        return firstPutNanos;
    }

    /** Submitted but not yet finished. */
    public long backlog() {
        return Math.max(0, submitted - done - dead);
    }

    public List<SlotSnapshot> slots() {
        return slots;
    }

    /** Slots whose owner is a running process that holds them now (idle or handling a batch). */
    public int liveConsumers() {
        int live = 0;
        for (SlotSnapshot s : slots)
            if (s.alive() && (s.state() == SlotState.IDLE || s.state() == SlotState.RUNNING))
                live++;
        return live;
    }

    /** True when every seq below {@code target} is finished: done or dead. */
    public boolean doneUpTo(long target) {
        return watermark >= target && done + dead >= target;
    }

    /** True when the stream is sealed and every task in it is finished: done or dead. */
    public boolean allDone() {
        return sealed() && doneUpTo(sealedCount);
    }
}
