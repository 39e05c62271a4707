package io.taskq.common.store;

import io.taskq.common.Await;

import java.time.Duration;

/**
 * {@code join()} with JoinableQueue's meaning: wait until every task submitted before the call is done (counted in
 * some slot), or, for {@link #awaitAll}, until the stream is sealed and every task in it is done. Polls the ledger
 * and the slots with {@link Await#FAST} (backing off from 50 us to 5 ms); never holds a lock. Every wait has a
 * deadline. An interrupted wait returns false with the thread's interrupt flag set.
 */
public final class Joiner {
    private Joiner() {
    }

    /** Waits until every seq below {@code target} is done. True if so, false at the deadline. */
    public static boolean awaitDone(DataDirectory data, long target, Duration timeout) {
        return Await.FAST.until(timeout, () -> Progress.read(data).doneUpTo(target));
    }

    /** Waits until the stream is sealed and all of it is done. True if so, false at the deadline. */
    public static boolean awaitAll(DataDirectory data, Duration timeout) {
        return Await.FAST.until(timeout, () -> Progress.read(data).allDone());
    }
}
