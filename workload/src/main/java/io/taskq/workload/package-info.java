/**
 * The seed's synthetic workload: task {@code i}'s value and payload, the {@code example} handler, and the closed-form
 * check of a finished job. The demo, {@code produce --count --verify}, the tests and the benchmarks use it; the
 * producer and consumer libraries do not.
 */
package io.taskq.workload;
