package io.taskq.cli;

/** The tasks one {@code taskq produce} submitted: how many, and their seqs, which are consecutive. Not thread-safe. */
final class SubmittedRange {
    private long count;
    private long first = -1;

    /** Task {@code seq} was submitted, the one after the previous. */
    void add(long seq) {
        if (first < 0)
            first = seq;
        count++;
    }

    /** Tasks {@code [first, first + n)} were submitted, after the previous ones. */
    void addAll(long first, int n) {
        if (this.first < 0)
            this.first = first;
        count += n;
    }

    long count() {
        return count;
    }

    /** {@code 0 tasks}, {@code 1 task (seq 7..7)} or {@code 1,000 tasks (seq 0..999)}. */
    @Override
    public String toString() {
        if (count == 0)
            return "0 tasks";
        return Terminal.count(count) + (count == 1 ? " task" : " tasks") + " (seq " + first + ".." + (first + count - 1)
                + ")";
    }
}
