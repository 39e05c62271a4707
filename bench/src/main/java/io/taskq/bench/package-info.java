/**
 * Benchmarks of TaskQ: the end-to-end harness behind {@code bin/taskq bench} (standard workloads W1 and W2 run as
 * real separate processes) and its baselines. JMH microbenchmarks of the hot path live in
 * {@code io.taskq.bench.jmh}. Nothing here is on the runtime classpath of a TaskQ producer or consumer.
 */
package io.taskq.bench;
