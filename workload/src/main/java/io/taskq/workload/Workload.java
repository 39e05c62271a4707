package io.taskq.workload;

/**
 * The synthetic workload used by the demo, the tests and the benchmarks, and the closed form of its totals
 * under {@link ExampleHandler}: task {@code i} has {@code value = i % 1000} and {@code payload = i * 0.5};
 * its result is {@code value + 1} and {@code payload * 2 = i}.
 */
public final class Workload {
    private Workload() {
    }

    public static int value(long i) {
        return (int) (i % 1000);
    }

    public static double payload(long i) {
        return i * 0.5;
    }

    /** Sum of {@code value + 1} over tasks {@code 0..n-1}. */
    public static long expectedSumValue(long n) {
        long full = n / 1000;
        long rest = n % 1000;
        return full * 500_500L + rest * (rest + 1) / 2;
    }

    /**
     * Sum of {@code payload * 2} over tasks {@code 0..n-1}, which is {@code n(n-1)/2}. Every partial sum is an
     * integer below 2^53 for n up to about 10^8, so the double sums in the slots are exact and compared with ==.
     */
    public static double expectedSumPayload(long n) {
        return (double) (n * (n - 1) / 2);
    }
}
