package io.taskq.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The tasks {@code taskq produce} submits, one at a time: {@link SyntheticTasks}, or one of the readers of
 * {@link InputFormat}. Not thread-safe.
 */
interface TaskSource extends Closeable {
    /**
     * Moves to the next task.
     *
     * @return false once there are no more
     * @throws MalformedLine if the next task cannot be read; the tasks before it were yielded
     */
    boolean next() throws IOException;

    /** The current task's value; valid after {@link #next()} returned true. */
    int value();

    /** The current task's payload; valid after {@link #next()} returned true. */
    double payload();

    /**
     * The current task's body, from the buffer's position to its limit, or null if this source's tasks have none; valid
     * until the next call of {@link #next()} (the buffer is reused).
     */
    default ByteBuffer body() {
        return null;
    }

    /**
     * Whether the next {@link #next()} may have to wait for input: a pipe or a terminal with no whole line buffered.
     * {@code taskq produce} puts the tasks it gathered into a batch before that, so that a trickle of input is not
     * held back.
     */
    default boolean mayBlock() throws IOException {
        return false;
    }

    /** How many tasks there are in all, or -1 if that is only known at the end. */
    long total();
}
