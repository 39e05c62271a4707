package io.taskq.common.store;

import io.taskq.common.Await;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.time.Duration;

/**
 * The data directory's retention lock: a file lock on {@code .retention.lock}, held by whoever prunes the task queue,
 * so that only one pruner at a time, across processes and threads, deletes cycle files or reads them.
 * <p>
 * Why pruners must not overlap: Chronicle Queue opens a cycle file for reading by checking that it exists and then
 * opening it read-write, which creates the file again, empty, if another process deleted it in between. Chronicle then
 * waits its timeout (10 s or more) for a header that never comes and gives up, and the empty file stays behind: an old
 * cycle file that every later opener waits on and that TaskQ's own checks refuse. Two pruners that both read the
 * oldest files (a tailer starts at the first one) and delete them hit exactly that window.
 * <p>
 * The OS drops the lock when its process dies, so a killed pruner never blocks the others. Not thread-safe; closed by
 * the thread that took it.
 */
final class RetentionLock implements Closeable {
    static final String FILE = ".retention.lock";

    private final FileChannel channel;

    private RetentionLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Takes the lock of {@code data}, creating its file (with the directory's permissions) on first use, and waits up
     * to {@code wait} while another process or thread holds it.
     *
     * @return the lock, to close when done; null if someone else held it for all of {@code wait}
     * @throws IOException if the lock file cannot be created or locked
     */
    static RetentionLock acquire(DataDirectory data, Duration wait) throws IOException {
        FileChannel channel = data.access().openLockFile(data.dir().resolve(FILE));
        try {
            if (Await.FAST.until(wait, () -> tryLock(channel)))
                return new RetentionLock(channel);
            channel.close();
            return null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }


    /** True if this channel now holds the lock; false while another process, or another thread here, holds it. */
    private static boolean tryLock(FileChannel channel) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            return lock != null;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }

    /**
     * Releases the lock (closing the channel does).
     *
     * @throws UncheckedIOException if the channel cannot be closed
     */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the retention lock " + FILE, e);
        }
    }
}
