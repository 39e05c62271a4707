package io.taskq.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One variant of a workload or baseline (W1 warm, python-tuned, ...) that every round of an invocation measures once:
 * its name in the progress lines and run folders, how one run goes, and how its runs become its entry in the
 * {@link BenchReport}. Not thread-safe.
 *
 * @param <R> the figures of one run
 * @param <E> the variant's entry in the report
 */
final class Variant<R extends Workloads.Run, E> {
    /** One run, in the run folder {@code folder}. */
    @FunctionalInterface
    interface OneRun<R> {
        R run(String folder) throws IOException, InterruptedException;
    }

    /** The runs as the variant's report entry; may write files of the runs (an {@code .hgrm}). */
    @FunctionalInterface
    interface Summary<R, E> {
        E of(List<R> runs) throws IOException;
    }

    private final String label;
    private final String folder;
    private final OneRun<R> oneRun;
    private final Summary<R, E> summary;
    private final List<R> runs = new ArrayList<>();

    /**
     * @param label  its name in the progress lines ("W1 warm" makes "W1 warm run 2")
     * @param folder the prefix of its run folders ("w1-warm" makes "w1-warm-2")
     */
    Variant(String label, String folder, OneRun<R> oneRun, Summary<R, E> summary) {
        this.label = label;
        this.folder = folder;
        this.oneRun = oneRun;
        this.summary = summary;
    }

    /** Runs it once more as run {@code round}, with a progress line on {@code progress}. */
    void measure(int round, PrintStream progress) throws IOException, InterruptedException {
        long started = System.nanoTime();
        progress.printf(Locale.ROOT, "  %-34s ...", label + " run " + round);
        progress.flush();
        R run = oneRun.run(folder + "-" + round);
        progress.printf(Locale.ROOT, " %s (%.1f s)%n", run.summary(), (System.nanoTime() - started) / 1e9);
        runs.add(run);
    }

    /** Its name in the progress lines. */
    String label() {
        return label;
    }

    List<R> runs() {
        return runs;
    }

    /** Its runs so far as its entry in the report, or null when it has not run (its workload was not chosen). */
    E entry() throws IOException {
        return runs.isEmpty() ? null : summary.of(runs);
    }
}
