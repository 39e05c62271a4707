package io.taskq.common.store;

/**
 * The owner's view of its slot's retry entries: the tasks in backoff that this slot still has to try again. Each
 * entry is stored in the slot ({@link ResultSlot}) and becomes valid, or ends, together with the next figures
 * publish, so a retry scheduled, retried or given up lands in the same crash-consistent step as the figures.
 * <p>
 * Not thread-safe: the owner's thread only.
 */
public final class RetryTable {
    private final ResultSlot slot;
    private final long[] seqs = new long[ResultSlot.RETRY_CAPACITY];
    private final long[] dues = new long[ResultSlot.RETRY_CAPACITY];
    private final long[] failures = new long[ResultSlot.RETRY_CAPACITY];
    private final boolean[] live = new boolean[ResultSlot.RETRY_CAPACITY];
    private int count;

    public RetryTable(ResultSlot slot) {
        this.slot = slot;
    }

    /** Reads the entries valid with the slot's current figures. Call after {@link ResultSlot#cleanRetryEntries}. */
    public void load() {
        long selector = slot.selectorCount();
        count = 0;
        for (int i = 0; i < live.length; i++) {
            live[i] = i < slot.retryHighWater() && slot.retryEntryValid(i, selector);
            if (live[i]) {
                seqs[i] = slot.retrySeq(i);
                dues[i] = slot.retryDueMillis(i);
                failures[i] = slot.retryFailures(i);
                count++;
            }
        }
    }

    /** Entries in use. */
    public int count() {
        return count;
    }

    /** Entries a new retry can still take. One is kept back, so a retry that fails again can always be rescheduled. */
    public int room() {
        return Math.max(0, live.length - count - 1);
    }

    /**
     * Schedules {@code seq} for another attempt at {@code dueMillis}, valid from the next figures publish on.
     *
     * @return the entry
     * @throws IllegalStateException if every entry is in use (callers keep {@link #room()} for what they claim)
     */
    public int add(long seq, long dueMillis, long failuresSoFar, long tag) {
        for (int i = 0; i < live.length; i++) {
            if (!live[i] && slot.retryEntryFree(i)) {
                slot.writeRetryEntry(i, seq, dueMillis, failuresSoFar, tag, slot.nextSelector());
                live[i] = true;
                seqs[i] = seq;
                dues[i] = dueMillis;
                failures[i] = failuresSoFar;
                count++;
                return i;
            }
        }
        throw new IllegalStateException("slot " + slot.index() + ": all " + live.length + " retry entries in use");
    }

    /** Ends entry {@code i} with the next figures publish. */
    public void remove(int i) {
        slot.killRetryEntry(i, slot.nextSelector());
        live[i] = false;
        count--;
    }

    /** The entry due first, or -1 if none is in use. */
    public int earliest() {
        int best = -1;
        if (count == 0)
            return best;
        for (int i = 0; i < live.length; i++)
            if (live[i] && (best < 0 || dues[i] < dues[best]))
                best = i;
        return best;
    }

    public long seq(int i) {
        return seqs[i];
    }

    public long dueMillis(int i) {
        return dues[i];
    }

    /** Failed attempts so far of the task in entry {@code i}. */
    public long failures(int i) {
        return failures[i];
    }
}
