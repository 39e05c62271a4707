package io.taskq.common.wire;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads the task queue excerpt by excerpt and hands out every task, a batch's one by one in seq order: for readers of
 * the whole queue (checks, tools, tests), not for the consumer's hot path. Not thread-safe.
 */
public final class TaskScan {
    /** What a scan finds. */
    public interface Visitor {
        /** A task; {@code task} is reused for the next one. */
        void task(QueuedTask task);

        /** The end-of-stream excerpt and its task count. */
        default void endOfStream(long count) {
        }

        /** A data excerpt that is no task and no end of stream, named {@code event}, at queue index {@code index}. */
        default void other(CharSequence event, long index) {
        }
    }

    private final ExcerptReader reader = new ExcerptReader();
    private final QueuedTask task = new QueuedTask();
    private final QueuedBatch batch = new QueuedBatch();

    /**
     * Reads the tailer's next excerpt and tells {@code visitor} what it holds.
     *
     * @return false if there was no excerpt to read
     */
    public boolean next(ExcerptTailer tailer, Visitor visitor) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent())
                return false;
            switch (reader.read(dc, task)) {
                case TASK -> visitor.task(task);
                case BATCH -> {
                    reader.copyBatch(dc, batch);
                    for (long seq = batch.firstSeq(); seq < batch.endSeq(); seq++) {
                        batch.read(seq, task);
                        visitor.task(task);
                    }
                }
                case END_OF_STREAM -> visitor.endOfStream(reader.endOfStreamCount());
                case OTHER -> {
                    if (dc.isData())
                        visitor.other(reader.event(), dc.index());
                }
            }
            return true;
        }
    }
}
