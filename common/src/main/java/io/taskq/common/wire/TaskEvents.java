package io.taskq.common.wire;

/**
 * The events of the task queue as a Chronicle method-reader interface. TaskQ writes the excerpts itself (the seq is
 * assigned under the queue's write lock), in exactly the form a method writer for this interface would, so that
 * Chronicle's own reader prints them as text: {@code ChronicleReaderMain -d tasks/ -r io.taskq.common.wire.TaskEvents}
 * (what {@code taskq tail} runs).
 */
public interface TaskEvents {
    /** A task, in {@link QueuedTask}'s compact binary form. */
    void task(QueuedTask task);

    /** Many tasks with dense seqs, put by one batch put, in {@link QueuedBatch}'s compact binary form. */
    void tasks(QueuedBatch tasks);

    /** The control excerpt that ends the stream. */
    void endOfStream(EndOfStream endOfStream);
}
