/**
 * Examples a user copies: {@link io.taskq.examples.SquareHandler}, a {@link io.taskq.common.TaskHandler} packaged as a
 * plug-in jar, and {@link io.taskq.examples.EmbeddedProducer} and {@link io.taskq.examples.EmbeddedConsumer}, which run
 * a producer and a consumer inside a program of one's own (README, "Embedding TaskQ in Java").
 */
package io.taskq.examples;
