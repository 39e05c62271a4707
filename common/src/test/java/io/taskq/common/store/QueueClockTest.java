package io.taskq.common.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queues' clock: one monotonic reading per call, kept for {@code lastNanos}, and wall-clock time that agrees with
 * the system's across many anchors.
 */
class QueueClockTest {
    @Test
    void shouldKeepEachCallsMonotonicReading() {
        QueueClock clock = new QueueClock();
        long previous = clock.lastNanos();
        for (int i = 0; i < 10_000; i++) {
            long before = System.nanoTime();
            clock.currentTimeMillis();
            long after = System.nanoTime();
            long read = clock.lastNanos();
            assertTrue(before <= read && read <= after, () -> "the reading " + read + " is the call's own, between "
                    + before + " and " + after);
            assertTrue(read >= previous, "monotonic");
            previous = read;
        }
    }

    @Test
    void shouldAgreeWithTheWallClockOverManyAnchors() throws InterruptedException {
        QueueClock clock = new QueueClock();
        long end = System.nanoTime() + 50 * QueueClock.ANCHOR_NANOS;
        int checked = 0;
        while (checked < 50 || System.nanoTime() < end) {
            long before = System.currentTimeMillis();
            long millis = clock.currentTimeMillis();
            long after = System.currentTimeMillis();
            // The wall clock has millisecond steps here and the clock's offset is good to well under one: one each
            // side is the most two readings of the same instant can differ.
            assertTrue(before - 1 <= millis && millis <= after + 1, () -> millis + " not within [" + before + ", "
                    + after + "] (plus or minus 1 ms)");
            assertEquals(millis, clock.lastMillis(), "lastMillis is the last reading's");
            Instant wallBefore = Instant.now();
            long nanos = clock.currentTimeNanos();
            Instant wallAfter = Instant.now();
            long lo = wallBefore.getEpochSecond() * 1_000_000_000L + wallBefore.getNano();
            long hi = wallAfter.getEpochSecond() * 1_000_000_000L + wallAfter.getNano();
            // The offset is taken between two monotonic readings a few tens of nanoseconds apart.
            assertTrue(lo - 100_000 <= nanos && nanos <= hi + 100_000, () -> nanos + " not within 0.1 ms of ["
                    + lo + ", " + hi + "]");
            long micros = clock.currentTimeMicros();
            // Read a moment later, through an offset that may have been taken again meanwhile.
            assertTrue(nanos / 1_000 - 1 <= micros && micros < nanos / 1_000 + 1_000_000,
                    () -> "micros " + micros + " follow nanos " + nanos);
            checked++;
            Thread.sleep(0, 200_000);
        }
    }
}
