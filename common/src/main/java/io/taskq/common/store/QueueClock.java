package io.taskq.common.store;

import net.openhft.chronicle.core.time.TimeProvider;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;

/**
 * The clock of TaskQ's queues: the wall-clock time Chronicle Queue needs to find the roll cycle, read from the
 * monotonic clock, so that one reading serves both the cycle and a task's {@code createdNanos}.
 * <p>
 * Chronicle reads its clock in every {@code writingDocument} to find the cycle to write into, and a put stamps its
 * task with {@link System#nanoTime()}: two clock readings per put, each about 35 ns on a virtual machine, a fifth of
 * a put's CPU in profiles. This clock reads {@code System.nanoTime()} once per call and keeps that reading for
 * {@link #lastNanos()}; a put takes its stamp from there right after {@code writingDocument}.
 * <p>
 * The wall-clock time is the monotonic reading plus an offset taken from {@link Instant#now()} (nanosecond precision
 * on Linux) and taken again after every {@value #ANCHOR_NANOS} ns of monotonic time, so it stays within the
 * monotonic clock's drift over one millisecond of {@link System#currentTimeMillis()} (well under a microsecond), and
 * a step of the wall clock reaches the cycles within a millisecond.
 * <p>
 * Any thread may call it. {@link #lastNanos()} is meant for the thread that has just made Chronicle read the clock
 * (under the queue's write lock, in {@code writingDocument}): it returns that reading, or a later one if another
 * thread read the same clock meanwhile.
 */
public final class QueueClock implements TimeProvider {
    /** How long an offset serves before it is taken again, in monotonic nanoseconds. */
    static final long ANCHOR_NANOS = 1_000_000;

    private static final VarHandle LAST_NANOS;

    static {
        try {
            LAST_NANOS = MethodHandles.lookup().findVarHandle(QueueClock.class, "lastNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Wall-clock nanoseconds since the epoch minus {@code System.nanoTime()}, at the last anchor. */
    private volatile long wallMinusMonotonic;
    /** The {@code System.nanoTime()} of the last anchor. */
    private volatile long anchoredAt;
    @SuppressWarnings("unused") // through LAST_NANOS
    private long lastNanos;

    public QueueClock() {
        anchor();
        LAST_NANOS.setOpaque(this, anchoredAt);
    }

    /** The last {@code System.nanoTime()} this clock read. */
    public long lastNanos() {
        return (long) LAST_NANOS.getOpaque(this);
    }

    /** The wall-clock milliseconds of {@link #lastNanos()}. */
    public long lastMillis() {
        return wallNanos(lastNanos()) / 1_000_000;
    }

    @Override
    public long currentTimeMillis() {
        return wallNanos(read()) / 1_000_000;
    }

    @Override
    public long currentTimeMicros() {
        return wallNanos(read()) / 1_000;
    }

    @Override
    public long currentTimeNanos() {
        return wallNanos(read());
    }

    private long read() {
        long nanos = System.nanoTime();
        LAST_NANOS.setOpaque(this, nanos);
        if (nanos - anchoredAt >= ANCHOR_NANOS)
            anchor();
        return nanos;
    }

    private long wallNanos(long monotonicNanos) {
        return monotonicNanos + wallMinusMonotonic;
    }

    /**
     * Takes the offset again: a wall-clock reading between two monotonic ones, paired with their midpoint, so that
     * the pair is off by at most half of the few tens of nanoseconds the readings take.
     */
    private void anchor() {
        long before = System.nanoTime();
        Instant wall = Instant.now();
        long after = System.nanoTime();
        long monotonic = before + (after - before) / 2;
        wallMinusMonotonic = wall.getEpochSecond() * 1_000_000_000L + wall.getNano() - monotonic;
        anchoredAt = monotonic;
    }
}
