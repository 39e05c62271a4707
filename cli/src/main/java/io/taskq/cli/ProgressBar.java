package io.taskq.cli;

import java.io.PrintStream;

/**
 * {@code taskq produce}'s progress on a terminal: one line on stderr, redrawn at most 5 times a second, and nothing
 * at all when disabled (output redirected). Not thread-safe.
 */
final class ProgressBar {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final long total;
    private final boolean enabled;
    private final PrintStream err;
    private final long start = System.nanoTime();
    private long nextDraw;
    private boolean drawn;

    /**
     * @param total   the tasks in all, or -1 if unknown (then only a count is shown)
     * @param enabled false to draw nothing
     */
    ProgressBar(long total, boolean enabled, PrintStream err) {
        this.total = total;
        this.enabled = enabled;
        this.err = err;
    }

    /** {@code done} tasks are submitted; cheap enough to call after every put. */
    void update(long done) {
        if (!enabled || (done & 1023) != 0)
            return;
        long now = System.nanoTime();
        if (now < nextDraw)
            return;
        nextDraw = now + REDRAW_NANOS;
        double rate = done / Math.max((now - start) / 1e9, 1e-9);
        String line = total > 0
                ? Terminal.bar(done, total, WIDTH) + " " + Terminal.count(done) + "/" + Terminal.count(total)
                : Terminal.count(done) + " tasks";
        Terminal.overwrite(err, "produce " + line + "  " + Terminal.rate(rate) + " tasks/s");
        drawn = true;
    }

    /** Ends the progress line, if one was drawn, so that what follows starts on a line of its own. */
    void finish() {
        if (drawn)
            err.println();
        drawn = false;
    }
}
