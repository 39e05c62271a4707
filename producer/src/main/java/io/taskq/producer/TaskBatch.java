package io.taskq.producer;

import io.taskq.common.wire.QueuedBatch;

import java.nio.ByteBuffer;

/**
 * Tasks gathered for one {@link TaskProducer#putAll(TaskBatch)}: they go into the queue as one excerpt, all or nothing,
 * with dense seqs, for a fraction of the cost of a put each. Get one from {@link TaskProducer#newBatch()}; it is
 * reused: {@code putAll} empties it once the tasks are in the queue.
 * <p>
 * The {@code add} methods take the same tasks as the {@code put} methods and copy the body at once (the caller may
 * reuse its array or buffer). A batch holds at most {@link QueuedBatch#MAX_TASKS} tasks and
 * {@link QueuedBatch#MAX_TASK_BYTES} bytes of them; {@link #hasRoomFor(int)} tells whether one more fits. Not
 * thread-safe.
 */
public final class TaskBatch {
    /** Bytes a task takes in a batch besides its body, at most (a 5-byte body length). */
    private static final int TASK_OVERHEAD_BYTES = 17;

    private final QueuedBatch tasks = new QueuedBatch();
    private final int maxBodyBytes;

    TaskBatch(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Adds a task without a body. */
    public TaskBatch add(int value, double payload) {
        requireRoom(0);
        tasks.add(value, payload);
        return this;
    }

    /** Adds a task with a copy of {@code body}. */
    public TaskBatch add(int value, double payload, byte[] body) {
        requireRoom(body.length);
        tasks.add(value, payload, body, 0, body.length);
        return this;
    }

    /** Adds a task with {@code value = 0}, {@code payload = 0.0} and a copy of {@code body}. */
    public TaskBatch add(byte[] body) {
        return add(0, 0.0, body);
    }

    /** Adds a task with a copy of {@code body}'s bytes from its position to its limit, which stay unchanged. */
    public TaskBatch add(int value, double payload, ByteBuffer body) {
        requireRoom(body.remaining());
        tasks.add(value, payload, body);
        return this;
    }

    /** Adds a task with {@code value = 0}, {@code payload = 0.0} and a copy of {@code body}'s remaining bytes. */
    public TaskBatch add(ByteBuffer body) {
        return add(0, 0.0, body);
    }

    /** The number of tasks gathered. */
    public int size() {
        return tasks.count();
    }

    public boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** Bytes the gathered tasks take in the queue, besides about 30 bytes of the excerpt's own. */
    public long bytes() {
        return tasks.taskBytes();
    }

    /** Whether a task with a body of {@code bodyLength} bytes can still be added. */
    public boolean hasRoomFor(int bodyLength) {
        return tasks.count() < QueuedBatch.MAX_TASKS
                && tasks.taskBytes() + TASK_OVERHEAD_BYTES + bodyLength <= QueuedBatch.MAX_TASK_BYTES;
    }

    /** Empties the batch without putting it. */
    public void clear() {
        tasks.clear();
    }

    QueuedBatch tasks() {
        return tasks;
    }

    /**
     * @throws IllegalArgumentException if the body is longer than {@code queue.max-body-bytes}
     * @throws IllegalStateException    if the batch is full; nothing was added
     */
    private void requireRoom(int bodyLength) {
        if (bodyLength > maxBodyBytes)
            throw new IllegalArgumentException("task body of " + bodyLength + " bytes exceeds queue.max-body-bytes="
                    + maxBodyBytes);
        if (!hasRoomFor(bodyLength))
            throw new IllegalStateException("the batch is full (" + tasks.count() + " tasks, " + tasks.taskBytes()
                    + " bytes; at most " + QueuedBatch.MAX_TASKS + " tasks and " + QueuedBatch.MAX_TASK_BYTES
                    + " bytes): put it with putAll first");
    }
}
