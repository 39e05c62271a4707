package io.taskq.producer;

import io.taskq.common.TaskQException;
import io.taskq.common.store.Ledger;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * {@code producer.sync=msync}: flushes what a put wrote to disk before the put returns, so that an accepted task
 * survives a power loss or a kernel crash, not only the death of a process.
 * <p>
 * Both files are written through memory mappings, which reach the disk only when the kernel writes the pages back.
 * The queue's excerpt is flushed with {@code msync(MS_SYNC)} of the appender's mapping up to its write position; the
 * ledger (which holds {@code submitted}) with {@code fsync}, which on Linux also writes back pages dirtied through a
 * shared mapping. The queue goes first, so a flushed {@code submitted} never counts an excerpt that is not on disk.
 * <p>
 * Not thread-safe; owned by one {@link TaskProducer}.
 */
final class DurableWrites implements Closeable {
    private final ExcerptAppender appender;
    private final Ledger ledger;
    private final FileChannel ledgerChannel;

    DurableWrites(ExcerptAppender appender, Ledger ledger) {
        this.appender = appender;
        this.ledger = ledger;
        try {
            this.ledgerChannel = FileChannel.open(ledger.file(), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("opening " + ledger.file() + " to flush it (producer.sync=msync)", e);
        }
    }

    /** Flushes the queue up to the last excerpt written, then the ledger; returns when both are on disk. */
    void flush() {
        Bytes<?> bytes = appender.wire().bytes();
        BytesStore<?, ?> store = bytes.bytesStore();
        if (!(store instanceof MappedBytesStore))
            throw new IllegalStateException("the task queue is not memory-mapped (" + store.getClass().getName()
                    + "); producer.sync=msync cannot flush it");
        ((MappedBytesStore) store).syncUpTo(bytes.writePosition(), SyncMode.SYNC);
        try {
            ledgerChannel.force(false);
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_FAILED, "flushing the ledger " + ledger.file()
                    + " to disk failed (producer.sync=msync): " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            ledgerChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + ledger.file(), e);
        }
    }
}
