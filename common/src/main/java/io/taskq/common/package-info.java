/**
 * What a handler author compiles against, and what every TaskQ process shares: the {@link io.taskq.common.Task} a
 * handler reads, the {@link io.taskq.common.TaskHandler} plug-in interface with its
 * {@link io.taskq.common.TaskResult}, the error types with their exit codes and {@link io.taskq.common.Await}. Only JDK
 * types appear in the handler's types. How tasks are stored lives in {@code io.taskq.common.wire}, the data
 * directory's files and protocol in {@code io.taskq.common.store}, configuration in {@code io.taskq.common.config}.
 */
package io.taskq.common;
