package io.taskq.cli;

import io.taskq.common.wire.EndOfStream;
import io.taskq.common.wire.TaskEvents;

/**
 * The task queue's events as {@code taskq tail} prints them: {@link TaskEvents} with {@link TailedTask}, which shows
 * a task's body legibly, in place of the queue's own task type. Chronicle's reader decodes the excerpts as calls of
 * this interface ({@code -r io.taskq.cli.TailEvents}); it generates code against it, hence public.
 */
public interface TailEvents {
    /** A task, read from the queue's compact binary form. */
    void task(TailedTask task);

    /** Many tasks put at once, read from the queue's compact binary form and shown one by one. */
    void tasks(TailedBatch tasks);

    /** The control excerpt that ends the stream. */
    void endOfStream(EndOfStream endOfStream);
}
