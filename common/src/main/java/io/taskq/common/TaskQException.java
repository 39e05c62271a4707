package io.taskq.common;

/**
 * An error the user can act on, with the process exit code it maps to. The message is one line that names the
 * culprit (file, key, value, index, pid) and what is allowed.
 */
public class TaskQException extends RuntimeException {
    /**
     * Usage, configuration, input or data-directory errors. Nothing was changed, except after a malformed CSV line:
     * the lines before it stay submitted, and the message says how many.
     */
    public static final int EXIT_USAGE = 2;
    /** A run that did not verify, or a failure while running. */
    public static final int EXIT_FAILED = 1;
    /** A wait that reached its deadline. */
    public static final int EXIT_TIMEOUT = 3;
    /**
     * The task queue's file system ran short of space ({@code queue.min-free-bytes}): the producer stopped accepting
     * tasks. Every task accepted before that is in the queue and will be handled; the stream is not sealed.
     */
    public static final int EXIT_NO_SPACE = 4;
    /** A join found every task finished, but some of them dead (dead-lettered after their last attempt). */
    public static final int EXIT_DEAD = 5;
    /** A consumer cut off a handler call that ran longer than {@code consumer.task-timeout}, and halted. */
    public static final int EXIT_TASK_TIMEOUT = 6;
    /**
     * A consumer resumed after being stopped (its heartbeat older than the lease) and found that another consumer had
     * taken its work over; it halted without landing anything.
     */
    public static final int EXIT_TAKEN_OVER = 7;

    private final int exitCode;

    public TaskQException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public TaskQException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static TaskQException usage(String message) {
        return new TaskQException(EXIT_USAGE, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
