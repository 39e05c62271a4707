/**
 * The public contract every TaskQ process and every handler author shares: the {@link io.taskq.common.Task}
 * record, the {@link io.taskq.common.TaskHandler} plug-in interface and the error types with their exit codes.
 * On-disk layout and protocol internals live in {@code io.taskq.common.store}, not here.
 */
package io.taskq.common;
