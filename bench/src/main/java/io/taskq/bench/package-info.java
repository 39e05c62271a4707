/**
 * Benchmarks of TaskQ: the end-to-end harness behind {@code bin/taskq bench} (standard workloads W1 and W2 run as
 * real separate processes, with their baselines) and the report it prints, a {@link io.taskq.bench.BenchReport}
 * written as a table or as JSON. JMH microbenchmarks of the hot path live in {@code io.taskq.bench.jmh}. Nothing
 * here is on the runtime classpath of a TaskQ producer or consumer outside the harness's own runs.
 */
package io.taskq.bench;
