/**
 * JMH microbenchmarks of TaskQ's hot path: put, claim, slot commit and the per-task consumer loop, each against real
 * memory-mapped files in a temporary directory. Run them with {@link io.taskq.bench.jmh.Microbenchmarks} (see
 * docs/BENCHMARKS.md); they are never part of the build's test phase.
 */
package io.taskq.bench.jmh;
