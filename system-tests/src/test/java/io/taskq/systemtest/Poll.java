package io.taskq.systemtest;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Waits for a condition with a deadline by polling it: the only way these tests wait for another process, never a
 * fixed sleep. A poll backs off from 5 ms to 50 ms so that it reacts quickly but leaves the CPU to the processes
 * under test.
 */
final class Poll {
    private static final long MIN_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private Poll() {
    }

    /**
     * Calls {@code probe} until {@code until} accepts its value, and returns that value.
     *
     * @param what     the condition, for the failure message
     * @param describe shows the last value in the failure message
     * @throws AssertionError at the deadline, with the last value; whatever {@code probe} throws (a probe may
     *                        fail fast, e.g. when a process it depends on has died)
     */
    static <T> T until(Duration timeout, String what, Callable<T> probe, Predicate<? super T> until,
                       Function<? super T, String> describe) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long park = MIN_PARK_NANOS;
        for (; ; ) {
            T value = probe.call();
            if (until.test(value))
                return value;
            if (System.nanoTime() - deadline >= 0)
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: "
                        + describe.apply(value));
            LockSupport.parkNanos(park);
            if (Thread.interrupted())
                throw new InterruptedException("interrupted while waiting for " + what);
            park = Math.min(park * 2, MAX_PARK_NANOS);
        }
    }

    /** {@link #until} for a plain condition. */
    static void until(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
        until(timeout, what, condition, Boolean::booleanValue, String::valueOf);
    }
}
