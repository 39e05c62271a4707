/**
 * The consumer library: {@link io.taskq.consumer.TaskConsumer}, the claim/handle/commit agent that owns one result
 * slot, its {@link io.taskq.consumer.ConsumerSettings}, the reader of tasks by seq and the handler lookup by name
 * ({@link io.taskq.consumer.Handlers}). The {@code taskq consume} command that runs it is in the cli module; the
 * protocol itself is in {@code io.taskq.common.store}.
 */
package io.taskq.consumer;
