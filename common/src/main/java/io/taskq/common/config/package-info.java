/**
 * TaskQ configuration: every key with its default and allowed values, loaded from {@code config/taskq.yaml},
 * {@code TASKQ_*} environment variables and command-line flags, and validated once at start-up.
 */
package io.taskq.common.config;
