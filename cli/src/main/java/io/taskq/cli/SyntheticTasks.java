package io.taskq.cli;

import io.taskq.workload.Workload;

/**
 * The first {@code count} tasks of the synthetic workload ({@link Workload}): value = i mod 1000, payload = i * 0.5.
 */
final class SyntheticTasks implements TaskSource {
    private final long count;
    private long next;
    private long current = -1;

    SyntheticTasks(long count) {
        this.count = count;
    }

    @Override
    public boolean next() {
        if (next >= count)
            return false;
        current = next++;
        return true;
    }

    @Override
    public int value() {
        return Workload.value(current);
    }

    @Override
    public double payload() {
        return Workload.payload(current);
    }

    @Override
    public long total() {
        return count;
    }

    @Override
    public void close() {
    }
}
