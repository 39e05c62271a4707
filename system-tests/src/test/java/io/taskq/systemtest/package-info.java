/**
 * System tests: real producer and consumer JVMs started through {@code bin/taskq}, with helpers to start, watch
 * and stop them. Tests of one process's logic, or of a queue and map in one JVM, live in the other modules.
 */
package io.taskq.systemtest;
