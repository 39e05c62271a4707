package io.taskq.cli;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces puts to a steady rate by the intended send time of each task, so that a stall is caught up, not lost.
 * Not thread-safe.
 */
final class Pacer {
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
        if (intervalNanos == 0)
            return;
        long due = start + i * intervalNanos;
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            if (left > SPIN_NANOS)
                LockSupport.parkNanos(left - PARK_MARGIN_NANOS);
            else
                Thread.onSpinWait();
        }
    }
}
