package io.taskq.common.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyBucketsTest {
    @Test
    void everyValueShouldFallInABucketWhoseBoundIsWithinOneEighthAbove() {
        for (long v = 0; v < 1L << 40; v = v < 64 ? v + 1 : v + v / 7 + 1) {
            int i = LatencyBuckets.index(v);
            assertTrue(i >= 0 && i < LatencyBuckets.COUNT, "index of " + v);
            long upper = LatencyBuckets.upperBound(i);
            assertTrue(upper >= v, v + " above its bucket's bound " + upper);
            assertTrue(upper <= v + v / 8 + 1, v + " bound " + upper + " more than 12.5% above");
            if (i > 0)
                assertTrue(LatencyBuckets.upperBound(i - 1) < v, "previous bucket must end below " + v);
        }
    }

    @Test
    void percentilesShouldComeFromTheRecordedValues() {
        LatencyBuckets b = new LatencyBuckets();
        for (int i = 1; i <= 100; i++)
            b.record(i * 1000L);
        assertEquals(100, b.count());
        assertEquals(100_000, b.max());
        long p50 = b.percentile(50);
        assertTrue(p50 >= 50_000 && p50 <= 50_000 * 9 / 8, "p50 " + p50);
        assertEquals(100_000, b.percentile(100));
        assertEquals(0, new LatencyBuckets().percentile(99));
    }
}
