package io.taskq.kafka;

/**
 * Where a task the bridge put came from: the Kafka record at {@code topic}/{@code partition}/{@code offset} with
 * {@code key} (null if the record had none), put as task {@code seq} of the host's data directory. Immutable; the
 * key array is not copied and must not be changed.
 */
public record Origin(long seq, String topic, int partition, long offset, byte[] key) {
}
