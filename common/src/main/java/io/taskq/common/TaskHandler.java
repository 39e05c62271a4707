package io.taskq.common;

/**
 * The work a consumer does for each task. Implementations are found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/io.taskq.common.TaskHandler}) and chosen by {@link #name()}
 * with the {@code consumer.handler} setting.
 * <p>
 * Contract:
 * <ul>
 *     <li>One instance per consumer process, called from one thread only; it may keep state.</li>
 *     <li>{@link #handle} must set {@code result}. It must not keep {@code task}, or the buffer its
 *     {@link Task#body()} returns, after returning: the consumer reuses both for the next task
 *     ({@link Task#bodyBytes()} is a copy to keep).</li>
 *     <li>The slot update (result plus task-done) is exactly once. The call itself is at least once: a consumer
 *     killed after {@code handle} returned but before the update lands handles that task again on restart.
 *     Side effects outside the slot must therefore be idempotent.</li>
 *     <li>An exception thrown from {@code handle} fails that attempt only: the consumer goes on, and the task is
 *     handled again after a backoff ({@link Task#attempt()} tells which attempt it is) until
 *     {@code consumer.max-attempts} calls have failed; then it is dead-lettered.</li>
 * </ul>
 * Implementations need a public no-argument constructor.
 */
public interface TaskHandler {

    /** The name users select with {@code consumer.handler}; lower-case letters, digits and dashes. */
    String name();

    /** Handles one task and writes its result into {@code result}. */
    void handle(Task task, TaskResult result) throws Exception;
}
