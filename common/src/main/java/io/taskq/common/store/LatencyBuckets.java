package io.taskq.common.store;

/**
 * A fixed log-linear histogram of nanosecond latencies small enough to live inside a result slot: values below 8
 * have a bucket each, and every power of two above is split into 8 sub-buckets, so a reported percentile is at
 * most 12.5% above the true value. Covers up to 2^47 ns (about 39 hours).
 * <p>
 * Instances (for merging and percentiles) are not thread-safe.
 */
public final class LatencyBuckets {
    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 47;
    public static final int COUNT = SUB + (MAX_EXPONENT - SUB_BITS + 1) * SUB;

    private final long[] counts = new long[COUNT];
    private long max;

    /** The bucket of {@code nanos} (clamped to the largest bucket). */
    public static int index(long nanos) {
        if (nanos < SUB)
            return (int) Math.max(0, nanos);
        int exponent = 63 - Long.numberOfLeadingZeros(nanos);
        if (exponent > MAX_EXPONENT)
            return COUNT - 1;
        int sub = (int) ((nanos >>> (exponent - SUB_BITS)) & (SUB - 1));
        return SUB + (exponent - SUB_BITS) * SUB + sub;
    }

    /** The largest value that falls in bucket {@code index}. */
    public static long upperBound(int index) {
        if (index < SUB)
            return index;
        int exponent = (index - SUB) / SUB + SUB_BITS;
        int sub = (index - SUB) % SUB;
        return ((long) (SUB + sub + 1) << (exponent - SUB_BITS)) - 1;
    }

    public void add(int index, long count) {
        counts[index] += count;
    }

    public void record(long nanos) {
        counts[index(nanos)]++;
        max(nanos);
    }

    public void max(long nanos) {
        max = Math.max(max, nanos);
    }

    public long max() {
        return max;
    }

    /** The values counted in bucket {@code index} (see {@link #index}); read-only, for exporting the histogram. */
    public long countAt(int index) {
        return counts[index];
    }

    public long count() {
        long n = 0;
        for (long c : counts)
            n += c;
        return n;
    }

    /**
     * The upper bound of the bucket holding the {@code percentile}-th value (0..100), capped at the max; 0 if empty.
     */
    public long percentile(double percentile) {
        long total = count();
        if (total == 0)
            return 0;
        long rank = Math.max(1, (long) Math.ceil(total * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < COUNT; i++) {
            seen += counts[i];
            if (seen >= rank)
                return Math.min(upperBound(i), max);
        }
        return max;
    }
}
