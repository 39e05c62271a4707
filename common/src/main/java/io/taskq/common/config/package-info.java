/**
 * TaskQ configuration: every key with its one default and the rule for its values
 * ({@link io.taskq.common.config.Keys}), loaded from {@code config/taskq.yaml}, {@code TASKQ_*} environment variables
 * and command-line flags, and validated once at start-up. The producer's and consumer's settings builders check values
 * given in code by the same rules. Which settings a process uses is decided in its own module, not here.
 */
package io.taskq.common.config;
