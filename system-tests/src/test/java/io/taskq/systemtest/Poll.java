package io.taskq.systemtest;

import io.taskq.common.Await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Waits for a condition with a deadline, as an assertion: the only way these tests wait for another process, never a
 * fixed sleep. The polling is {@link Await#STEADY} (5 ms backing off to 50 ms, so that it reacts quickly but leaves
 * the CPU to the processes under test); this class adds the failure message with the last value seen.
 */
final class Poll {
    private Poll() {
    }

    /**
     * Calls {@code probe} until {@code until} accepts its value, and returns that value.
     *
     * @param what     the condition, for the failure message
     * @param describe shows the last value in the failure message
     * @throws AssertionError       at the deadline, with the last value
     * @throws InterruptedException if the test thread is interrupted while waiting
     * @throws Exception            whatever {@code probe} throws (a probe may fail fast, e.g. when a process it
     *                              depends on has died)
     */
    static <T> T until(Duration timeout, String what, Callable<T> probe, Predicate<? super T> until,
                       Function<? super T, String> describe) throws Exception {
        // A value may be null (a probe's "nothing wrong"), so the last one is kept in a holder, not tested for null.
        AtomicReference<T> last = new AtomicReference<>();
        boolean held = Await.STEADY.until(timeout, () -> {
            T value = probe.call();
            last.set(value);
            return until.test(value);
        });
        if (held)
            return last.get();
        if (Thread.interrupted())
            throw new InterruptedException("interrupted while waiting for " + what);
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: "
                + describe.apply(last.get()));
    }

    /** {@link #until} for a plain condition. */
    static void until(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
        until(timeout, what, condition, Boolean::booleanValue, String::valueOf);
    }
}
