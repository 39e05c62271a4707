/**
 * Idle strategies chosen by name ({@code consumer.idle}): how a loop waits when it found no work, as a Chronicle
 * {@code Pauser}. The loops themselves are in the producer and consumer modules.
 */
package io.taskq.common.idle;
