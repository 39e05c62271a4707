package io.taskq.common;

import java.nio.ByteBuffer;

/**
 * One task, as a {@link TaskHandler} sees it: a dense sequence number, the producer's {@code System.nanoTime()} at
 * {@code put}, an int {@code value}, a double {@code payload} and an optional opaque body.
 * <p>
 * Only JDK types appear here, so a handler compiles against taskq-common alone. The consumer hands every task in the
 * same reused instance, so the hot path allocates nothing: a handler must not keep a task, or the buffer
 * {@link #body()} returns, after {@link TaskHandler#handle} returns; {@link #bodyBytes()} is the copy to keep. How a
 * task is stored in the queue is not part of this view ({@code io.taskq.common.wire}).
 * <p>
 * A consumer's task is read by its thread only. {@link #of} makes stand-alone tasks for testing a handler.
 */
public interface Task {

    /** The task's position in the stream: 0 for the first task put, dense, in queue order. */
    long seq();

    /** The producer's {@link System#nanoTime()} when it put the task (one clock for every process on Linux). */
    long createdNanos();

    int value();

    double payload();

    /**
     * Which handler call this is for the task: 1 for the first, 2 after one failed call, up to
     * {@code consumer.max-attempts}. A call repeated because a consumer was killed keeps its number: only recorded
     * failures count.
     */
    default int attempt() {
        return 1;
    }

    /** True when the task carries a body of at least one byte. */
    boolean hasBody();

    /**
     * The body, without a copy: a read-only buffer from position 0 to the body's length (empty when there is none).
     * Each call rewinds it. Valid only until {@link TaskHandler#handle} returns; the next task reuses it.
     */
    ByteBuffer body();

    /** A new array holding a copy of the body (empty when there is none), which the caller may keep. */
    byte[] bodyBytes();

    /** A task with {@code value} and {@code payload}, seq and createdNanos 0 and no body; for tests of handlers. */
    static Task of(int value, double payload) {
        return of(0, 0, value, payload, new byte[0]);
    }

    /** A task with every field given and a copy of {@code body} (may be empty); for tests of handlers. */
    static Task of(long seq, long createdNanos, int value, double payload, byte[] body) {
        return new StandaloneTask(seq, createdNanos, value, payload, body.clone());
    }
}
