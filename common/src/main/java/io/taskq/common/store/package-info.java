/**
 * TaskQ's on-disk layout and protocol internals: the data directory and its files, the ledger (submitted, claim
 * cursor, sealed), the result slots in the Chronicle Map, the claim and adoption protocols, queue retention, and
 * reading and waiting on a directory's progress. The task queue's excerpt format is in {@code io.taskq.common.wire};
 * process loops (producer, consumer) and the command line live in their own modules, not here.
 */
package io.taskq.common.store;
