package io.taskq.common.store;

import io.taskq.common.TaskQException;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps {@code queue.min-free-bytes} free on the file system of the task queue, so that a full disk stops a producer
 * cleanly instead of breaking the queue.
 * <p>
 * Why a reserve and not an error from the write: Chronicle Queue grows its files sparsely and writes through memory
 * mappings. On a full file system a store into a page that is not allocated yet raises SIGBUS, which the JVM turns
 * into an asynchronous {@code InternalError} ("a fault occurred in a recent unsafe memory access operation") that
 * surfaces some instructions later; by then the excerpt may be committed with a page missing. On tmpfs even
 * <em>reading</em> a hole allocates a page, so a completely full file system also breaks tailers, {@code taskq tail}
 * and a producer's start-up repair. Stopping puts while {@code reserve} bytes are still free avoids all of that, and
 * leaves room for {@link #requireForControl sealing} and for readers.
 * <p>
 * Cost on the put path: {@link #charge} subtracts the bytes a put writes from a budget; only when the budget is
 * used up does it ask the file system (one {@code statvfs}). The budget is half the space above the reserve, at most
 * {@value #MAX_BYTES_BETWEEN_CHECKS} bytes, so far from the reserve a producer checks about once per megabyte and
 * close to it more often, never overshooting the reserve by more than half of what was left.
 * <p>
 * Not thread-safe: one per producer.
 */
public final class SpaceReserve {
    /** Most bytes charged between two checks of the file system. */
    public static final long MAX_BYTES_BETWEEN_CHECKS = 1L << 20;
    /** Fewest bytes charged between two checks, so that a producer at the reserve does not check on every put. */
    static final long MIN_BYTES_BETWEEN_CHECKS = 4096;
    /** Free space an end-of-stream excerpt needs at least: its bytes, plus a new index page if one is due. */
    public static final long CONTROL_EXCERPT_BYTES = 256 * 1024;

    private final Path dir;
    private final FileStore store;
    private final long reserve;
    private final String limit;
    private final String consequence;
    private long budget;

    private SpaceReserve(Path dir, FileStore store, long reserve, String limit, String consequence) {
        this.dir = dir;
        this.store = store;
        this.reserve = reserve;
        this.limit = limit;
        this.consequence = consequence;
    }

    /**
     * A producer's reserve: below {@code queue.min-free-bytes} no more tasks are accepted.
     *
     * @param dir     a directory on the file system to watch (the task queue's)
     * @param reserve bytes to leave free; 0 turns the check off
     */
    public static SpaceReserve of(Path dir, long reserve) {
        return of(dir, reserve, "queue.min-free-bytes=" + reserve, "no more tasks are accepted");
    }

    /**
     * @param dir         a directory on the file system to watch
     * @param reserve     bytes to leave free; 0 turns the check off
     * @param limit       what the reserve is, for the error: {@code queue.min-free-bytes=67108864}
     * @param consequence what the error means for the caller: {@code no more tasks are accepted}
     */
    public static SpaceReserve of(Path dir, long reserve, String limit, String consequence) {
        if (reserve < 0)
            throw new IllegalArgumentException("reserve " + reserve + " < 0");
        try {
            return new SpaceReserve(dir, Files.getFileStore(dir), reserve, limit, consequence);
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_USAGE, "task queue " + dir + ": cannot read its file system ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /**
     * Accounts for {@code bytes} about to be written; checks the file system when the budget is used up. Below the
     * reserve it first runs {@code reclaim} (queue retention, when enabled) and looks again.
     *
     * @return true when the budget was used up (and, if a reserve is set, the file system checked): a cheap hook for
     * other once-in-a-while work
     * @throws TaskQException with {@link TaskQException#EXIT_NO_SPACE} if less than the reserve is free
     */
    public boolean charge(long bytes, Runnable reclaim) {
        if ((budget -= bytes) >= 0)
            return false;
        if (reserve == 0)
            budget = MAX_BYTES_BETWEEN_CHECKS;
        else
            check(reclaim);
        return true;
    }

    private void check(Runnable reclaim) {
        long free = freeBytes();
        if (free < reserve) {
            reclaim.run();
            free = freeBytes();
        }
        if (free < reserve)
            throw new TaskQException(TaskQException.EXIT_NO_SPACE, "only " + free + " bytes (" + bytes(free)
                    + ") free on the file system of " + dir + " (" + store.name() + "), below " + limit + "; "
                    + consequence);
        budget = Math.max(MIN_BYTES_BETWEEN_CHECKS, Math.min(MAX_BYTES_BETWEEN_CHECKS, (free - reserve) / 2));
    }

    /**
     * Checks that a control excerpt (end of stream) fits. Control excerpts may use the reserve: that is what it is
     * for, so that a stream stopped by a full disk can still be sealed.
     *
     * @throws TaskQException with {@link TaskQException#EXIT_NO_SPACE} if even that little is not free
     */
    public void requireForControl(String what) {
        long free = freeBytes();
        if (free < CONTROL_EXCERPT_BYTES)
            throw new TaskQException(TaskQException.EXIT_NO_SPACE, "cannot " + what + ": only " + bytes(free)
                    + " free on the file system of " + dir + " (" + store.name() + "), it needs "
                    + bytes(CONTROL_EXCERPT_BYTES));
    }

    /** Bytes this process may still allocate on the watched file system (one {@code statvfs}). */
    public long freeBytes() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_FAILED, "task queue " + dir
                    + ": cannot read the free space of its file system (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    public long reserve() {
        return reserve;
    }

    public Path dir() {
        return dir;
    }

    /** {@code 7.9 MiB}, {@code 512 KiB}, {@code 100 bytes}. */
    public static String bytes(long n) {
        if (n >= 1L << 30)
            return String.format(java.util.Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
        if (n >= 1L << 20)
            return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        if (n >= 1L << 10)
            return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
        return n + " bytes";
    }
}
