package io.taskq.systemtest;

import io.taskq.common.Await;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.store.SlotSnapshot;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Reads a data directory's {@link Progress} from the test JVM, as {@code taskq status} does: it maps the ledger and
 * the results map, takes no lock and writes nothing. Polling this is much quicker than starting a
 * {@code taskq status} JVM each time, so a test can act within milliseconds of a change (stop a consumer mid-run);
 * the final checks still go through {@code taskq status --json}.
 * <p>
 * Not thread-safe; used from the test thread.
 */
final class ProgressProbe implements AutoCloseable {
    private final DataDirectory data;

    private ProgressProbe(DataDirectory data) {
        this.data = data;
    }

    /** Waits until some process has created the data directory (its ledger exists), then opens it. */
    static ProgressProbe open(Path dataDir, Duration timeout) throws Exception {
        Poll.until(timeout, "the data directory " + dataDir + " to be created",
                () -> Files.exists(dataDir.resolve(DataDirectory.LEDGER)));
        return new ProgressProbe(DataDirectory.openExisting(dataDir, RollCycles.FAST_DAILY));
    }

    Progress read() {
        return Progress.read(data);
    }

    /**
     * Polls until {@code condition} holds and returns that snapshot.
     *
     * @param mustNotFail processes the condition depends on: if one exits with a non-zero code, fail at once with
     *                    its logs rather than at the deadline
     */
    Progress await(Duration timeout, String what, Predicate<Progress> condition, TaskqProcess... mustNotFail)
            throws Exception {
        return Poll.until(timeout, what, () -> {
            requireNoneFailed("waiting for " + what, mustNotFail);
            return read();
        }, condition, ProgressProbe::describe);
    }

    /**
     * Watches the progress for the whole of {@code window} and fails as soon as {@code forbidden} holds: how a test
     * checks that something does not happen (for that long) without a fixed sleep.
     *
     * @param what        the forbidden event, for the failure message
     * @param mustNotFail as for {@link #await}
     * @throws AssertionError       with the snapshot in which {@code forbidden} held
     * @throws InterruptedException if the test thread is interrupted while watching
     */
    void assertNever(Duration window, String what, Predicate<Progress> forbidden, TaskqProcess... mustNotFail)
            throws InterruptedException {
        AtomicReference<Progress> seen = new AtomicReference<>();
        boolean happened = Await.STEADY.until(window, () -> {
            requireNoneFailed("watching for " + what, mustNotFail);
            seen.set(read());
            return forbidden.test(seen.get());
        });
        if (happened)
            throw new AssertionError(what + " within " + window + ": " + describe(seen.get()));
        if (Thread.interrupted())
            throw new InterruptedException("interrupted while watching for " + what);
    }

    /** @param doing what the test was doing, for the failure message */
    private static void requireNoneFailed(String doing, TaskqProcess... processes) {
        for (TaskqProcess p : processes)
            if (!p.isAlive() && p.exitCode() != 0)
                throw new AssertionError("while " + doing + ", " + p + " failed\n" + p.describe());
    }

    static String describe(Progress p) {
        return "submitted " + p.submitted() + ", claimed " + p.claimed() + ", done " + p.done() + ", watermark "
                + p.watermark() + ", sealedCount " + p.sealedCount() + ", slots " + p.slots().stream()
                .map(ProgressProbe::describe).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String describe(SlotSnapshot s) {
        return s.index() + ": pid " + s.pid() + (s.alive() ? " alive " : " gone ") + s.state() + " done "
                + s.figures().done + " inFlight " + s.inFlight() + " restarts " + s.restarts();
    }

    @Override
    public void close() {
        data.close();
    }
}
