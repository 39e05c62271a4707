/**
 * The producer library: {@link io.taskq.producer.TaskProducer} (put, seal, join, start-up repair) and its
 * {@link io.taskq.producer.ProducerSettings}. The {@code taskq produce} command that runs it is in the cli module; the
 * on-disk protocol it follows is defined in {@code io.taskq.common.store} and {@code io.taskq.common.wire}, not here.
 */
package io.taskq.producer;
