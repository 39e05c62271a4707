/**
 * The consumer: {@link io.taskq.consumer.TaskConsumer}, the claim/handle/commit agent that owns one result slot,
 * the handler lookup, and the {@code taskq consume} command. The protocol itself is in {@code io.taskq.common.store}.
 */
package io.taskq.consumer;
