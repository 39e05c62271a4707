package io.taskq.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Median, minimum and maximum of one figure over the runs of one invocation. The median of an even count is the
 * mean of the middle two. Immutable.
 */
record Stats(double median, double min, double max, List<Double> runs) {
    static Stats of(List<Double> values) {
        if (values.isEmpty())
            throw new IllegalArgumentException("no runs");
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Stats(median, sorted.get(0), sorted.get(n - 1), List.copyOf(values));
    }
}
