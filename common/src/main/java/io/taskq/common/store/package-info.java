/**
 * TaskQ's on-disk layout and protocol internals: the ledger (submitted, claim cursor, sealed), the result slots
 * in the Chronicle Map, the task queue's excerpt format and the data directory that holds them. Process loops
 * (producer, consumer) and the command line live in their own modules, not here.
 */
package io.taskq.common.store;
