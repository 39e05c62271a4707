package io.taskq.common;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition with a deadline, by polling it with a backoff: the one way TaskQ waits for another process
 * (join, consumers taking their slots, a demo watching its run, the system tests). Nothing is ever waited for without
 * a deadline, and no wait is a fixed sleep.
 * <p>
 * An instance is a backoff (the first and the longest pause between two polls); it is immutable and thread-safe.
 */
public final class Await {
    /** For latency-sensitive waits such as {@code join}: reacts within microseconds, backs off to 5 ms. */
    public static final Await FAST = new Await(TimeUnit.MICROSECONDS.toNanos(50), TimeUnit.MILLISECONDS.toNanos(5));
    /** For waits on processes starting or working: backs off from 5 ms to 50 ms, leaving the CPU to them. */
    public static final Await STEADY = new Await(TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(50));

    /** A condition that may fail with a checked exception, which {@link #until} passes on. */
    @FunctionalInterface
    public interface Condition<E extends Exception> {
        boolean holds() throws E;
    }

    private final long minParkNanos;
    private final long maxParkNanos;

    private Await(long minParkNanos, long maxParkNanos) {
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
    }

    /**
     * A backoff from {@code first} to {@code longest} between two polls.
     *
     * @throws IllegalArgumentException unless {@code 0 < first <= longest}
     */
    public static Await backoff(Duration first, Duration longest) {
        if (first.isZero() || first.isNegative() || longest.compareTo(first) < 0)
            throw new IllegalArgumentException("backoff " + first + ".." + longest + ": need 0 < first <= longest");
        return new Await(first.toNanos(), longest.toNanos());
    }

    /**
     * Polls {@code condition} until it holds or {@code timeout} has passed; it is always polled at least once.
     * A timeout too large to add to {@link System#nanoTime()} means no deadline in practice.
     *
     * @return true once the condition held; false at the deadline, or when the thread is interrupted (the interrupt
     * flag is then set again)
     * @throws E whatever the condition throws, at once
     */
    public <E extends Exception> boolean until(Duration timeout, Condition<E> condition) throws E {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        long park = minParkNanos;
        for (; ; ) {
            if (condition.holds())
                return true;
            long left = deadline - System.nanoTime();
            if (left <= 0)
                return false;
            LockSupport.parkNanos(Math.min(park, left));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return false;
            }
            park = Math.min(park * 2, maxParkNanos);
        }
    }
}
