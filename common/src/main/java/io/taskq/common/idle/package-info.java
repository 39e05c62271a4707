/** Idle strategies chosen by name: how a loop waits when it found no work. */
package io.taskq.common.idle;
