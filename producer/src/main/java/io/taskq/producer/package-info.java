/**
 * The producer: {@link io.taskq.producer.TaskProducer} (put, seal, join) and the {@code taskq produce} command.
 * The on-disk protocol it follows is defined in {@code io.taskq.common.store}, not here.
 */
package io.taskq.producer;
