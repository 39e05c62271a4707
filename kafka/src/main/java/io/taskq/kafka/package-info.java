/**
 * The Kafka bridge: one per host data directory, it takes task records from a Kafka topic in a consumer group, puts
 * them into the data directory, and publishes each task's outcome to a results topic in the same transaction as the
 * consumed offsets, so that a read_committed reader sees exactly one outcome per task record. The command-line
 * commands live in {@code io.taskq.cli}; the development broker's classpath in the kafka-broker module.
 */
package io.taskq.kafka;
