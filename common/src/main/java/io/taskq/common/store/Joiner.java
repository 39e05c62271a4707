package io.taskq.common.store;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code join()} with JoinableQueue's meaning: wait until every task submitted before the call is done (counted in
 * some slot), or, for {@link #awaitAll}, until the stream is sealed and every task in it is done. Polls the ledger
 * and the slots, backing off from 50 us to 5 ms; never holds a lock. Every wait has a deadline.
 */
public final class Joiner {
    private static final long MIN_PARK_NANOS = 50_000;
    private static final long MAX_PARK_NANOS = 5_000_000;

    private Joiner() {
    }

    /** Waits until every seq below {@code target} is done. True if so, false at the deadline. */
    public static boolean awaitDone(DataDirectory data, long target, Duration timeout) {
        return await(data, target, false, timeout);
    }

    /** Waits until the stream is sealed and all of it is done. True if so, false at the deadline. */
    public static boolean awaitAll(DataDirectory data, Duration timeout) {
        return await(data, -1, true, timeout);
    }

    private static boolean await(DataDirectory data, long target, boolean all, Duration timeout) {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        long park = MIN_PARK_NANOS;
        for (; ; ) {
            Progress p = Progress.read(data);
            if (all ? p.allDone() : p.doneUpTo(target))
                return true;
            long left = deadline - System.nanoTime();
            if (left <= 0)
                return false;
            LockSupport.parkNanos(Math.min(park, left));
            park = Math.min(park * 2, MAX_PARK_NANOS);
            if (Thread.interrupted())
                return false;
        }
    }
}
