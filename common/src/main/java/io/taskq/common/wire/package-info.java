/**
 * How tasks are stored in the task queue: the excerpt format ({@link io.taskq.common.wire.Excerpts}), its decoder, the
 * binary task DTO ({@link io.taskq.common.wire.QueuedTask}) and the {@link io.taskq.common.wire.TaskEvents} interface
 * Chronicle's reader prints them through. Internal: handlers see {@link io.taskq.common.Task}, not these types; the
 * ledger, slots and files of a data directory are in {@code io.taskq.common.store}.
 */
package io.taskq.common.wire;
