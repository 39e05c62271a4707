/**
 * The {@code bin/taskq} entry point and the commands that only read a data directory or orchestrate processes:
 * status, join, tail and demo. Producing and consuming live in their own modules.
 */
package io.taskq.cli;
