package io.taskq.common.store;

/**
 * The crash-consistent part of a result slot, as one plain value: what this slot has done, and how far it got
 * in its current batch. A slot holds two copies and a selector; see {@link ResultSlot}.
 * <p>
 * Not thread-safe: each instance belongs to one thread (the owner's mirror, or a reader's snapshot).
 */
public final class SlotFigures {
    static final int LONGS = 16;
    /** Bytes of one stored copy: the fields plus a checksum, rounded to three cache lines. */
    static final int COPY_SIZE = 192;

    public long done;
    public long sumValue;
    public double sumPayload;
    /** The last seq this slot committed, or -1. */
    public long lastSeq = -1;
    public long lastResultValue;
    public double lastResultPayload;
    /** The batch the next seq belongs to, {@code [batchLo, batchHi)}. */
    public long batchLo;
    public long batchHi;
    /** The next seq to handle inside {@code [batchLo, batchHi)}; equal to batchHi when the batch is finished. */
    public long doneUpTo;
    /** Sum of handling latencies in nanos, for the mean. */
    public long latencySumNanos;
    /** Handler calls that failed (threw) and were recorded: each is one retry scheduled or one task dead. */
    public long failures;
    /** Tasks this slot dead-lettered after their last attempt. */
    public long dead;
    /** Dead letters this slot has announced so far; the serial of the last one (see {@link #pendingDeadSeq}). */
    public long deadSerial;
    /** The seq whose dead letter is counted in {@link #dead} but may not be in the dead-letter queue yet, or -1. */
    public long pendingDeadSeq = -1;
    /** The attempts of that task. */
    public long pendingDeadAttempts;
    /** The token of the adoption that moved this slot's unfinished work out, 0 if none yet (see OrphanAdoption). */
    public long movedToken;

    public void copyFrom(SlotFigures other) {
        done = other.done;
        sumValue = other.sumValue;
        sumPayload = other.sumPayload;
        lastSeq = other.lastSeq;
        lastResultValue = other.lastResultValue;
        lastResultPayload = other.lastResultPayload;
        batchLo = other.batchLo;
        batchHi = other.batchHi;
        doneUpTo = other.doneUpTo;
        latencySumNanos = other.latencySumNanos;
        failures = other.failures;
        dead = other.dead;
        deadSerial = other.deadSerial;
        pendingDeadSeq = other.pendingDeadSeq;
        pendingDeadAttempts = other.pendingDeadAttempts;
        movedToken = other.movedToken;
    }

    public void clear() {
        done = 0;
        sumValue = 0;
        sumPayload = 0;
        lastSeq = -1;
        lastResultValue = 0;
        lastResultPayload = 0;
        batchLo = 0;
        batchHi = 0;
        doneUpTo = 0;
        latencySumNanos = 0;
        failures = 0;
        dead = 0;
        deadSerial = 0;
        pendingDeadSeq = -1;
        pendingDeadAttempts = 0;
        movedToken = 0;
    }

    /**
     * A hash of the sixteen fields: each field times its own odd constant, summed, then mixed (a multilinear hash).
     * The multiplies are independent, so the CPU runs them side by side: the hash is on every commit's path, and the
     * chain of dependent multiplies it replaced cost a third of a commit.
     */
    long checksum() {
        return finish(hotSum() + rareSum());
    }

    /** The checksum's terms of the ten fields that change with every commit. */
    long hotSum() {
        return done * K[0]
                + sumValue * K[1]
                + Double.doubleToRawLongBits(sumPayload) * K[2]
                + lastSeq * K[3]
                + lastResultValue * K[4]
                + Double.doubleToRawLongBits(lastResultPayload) * K[5]
                + batchLo * K[6]
                + batchHi * K[7]
                + doneUpTo * K[8]
                + latencySumNanos * K[9];
    }

    /** The checksum's terms of the six fields that change only when a call fails or a slot is adopted from. */
    long rareSum() {
        return failures * K[10]
                + dead * K[11]
                + deadSerial * K[12]
                + pendingDeadSeq * K[13]
                + pendingDeadAttempts * K[14]
                + movedToken * K[15];
    }

    static long finish(long sum) {
        long h = (0x27D4EB2F165667C5L + sum) * 0x9E3779B97F4A7C15L;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    /** One odd 64-bit constant per field, from a fixed seed (splitmix64), so that no two fields weigh the same. */
    private static final long[] K = new long[LONGS];

    static {
        long x = 0x632BE59BD9B4E019L;
        for (int i = 0; i < K.length; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            K[i] = (z ^ (z >>> 31)) | 1;
        }
    }


    @Override
    public String toString() {
        return "SlotFigures{done=" + done + ", sumValue=" + sumValue + ", sumPayload=" + sumPayload
                + ", lastSeq=" + lastSeq + ", batch=[" + batchLo + ", " + batchHi + "), doneUpTo=" + doneUpTo + '}';
    }
}
