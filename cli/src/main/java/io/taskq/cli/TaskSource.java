package io.taskq.cli;

import java.io.Closeable;
import java.io.IOException;

/**
 * The tasks {@code taskq produce} submits, one (value, payload) pair at a time: {@link SyntheticTasks} or
 * {@link CsvTaskReader}. Not thread-safe.
 */
interface TaskSource extends Closeable {
    /**
     * Moves to the next task.
     *
     * @return false once there are no more
     * @throws CsvTaskReader.MalformedLine if the next task cannot be read; the tasks before it were yielded
     */
    boolean next() throws IOException;

    /** The current task's value; valid after {@link #next()} returned true. */
    int value();

    /** The current task's payload; valid after {@link #next()} returned true. */
    double payload();

    /** How many tasks there are in all, or -1 if that is only known at the end. */
    long total();
}
