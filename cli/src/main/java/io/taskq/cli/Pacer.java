package io.taskq.cli;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces puts to a steady rate by the intended send time of each task, so that a stall is caught up, not lost:
 * {@code produce --rate} and the benchmark harness's paced producers. An instance is not thread-safe.
 */
public final class Pacer {
    /** Below this much time left, spin instead of parking: a park overshoots by tens of microseconds. */
    private static final long SPIN_NANOS = 50_000;
    /** How much earlier than due a park is asked to return, to leave time for the spin. */
    private static final long PARK_MARGIN_NANOS = 20_000;

    private final long intervalNanos;
    private final long start = System.nanoTime();

    /** @param rate tasks per second; 0 means as fast as possible */
    Pacer(long rate) {
        this.intervalNanos = rate == 0 ? 0 : 1_000_000_000L / rate;
    }

    /** Returns once task {@code i} (counting from 0 at construction) is due. */
    void await(long i) {
        if (intervalNanos != 0)
            awaitDue(start + i * intervalNanos);
    }

    /** Whether task {@code i} is due now, so that {@link #await(long)} would not wait for it. */
    boolean due(long i) {
        return intervalNanos == 0 || System.nanoTime() - (start + i * intervalNanos) >= 0;
    }

    /**
     * Waits until {@link System#nanoTime()} reaches {@code due}: parks while it is far, spins when it is near.
     *
     * @return the time the wait ended, which is late by however long the machine kept this thread from running
     */
    public static long awaitDue(long due) {
        for (long now = System.nanoTime(); ; now = System.nanoTime()) {
            long left = due - now;
            if (left <= 0)
                return now;
            if (left > SPIN_NANOS)
                LockSupport.parkNanos(left - PARK_MARGIN_NANOS);
            else
                Thread.onSpinWait();
        }
    }
}
