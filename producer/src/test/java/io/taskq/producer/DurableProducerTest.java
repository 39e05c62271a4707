package io.taskq.producer;

import io.taskq.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code producer.sync=msync}: every put and the seal are flushed before they return, and what they write is unchanged:
 * each task once, in seq order, and a ledger that agrees with the queue.
 */
class DurableProducerTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldFlushEveryPutAndStillWriteEachTaskExactlyOnce() {
        int n = 2_000;
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).msync(true).build())) {
            for (long i = 0; i < n; i++)
                assertEquals(i, producer.put(Workload.value(i), Workload.payload(i)));
            assertEquals(n, producer.seal());
        }
        // Reopening runs the producer's repair, which would move submitted if the ledger disagreed with the queue.
        try (TaskProducer reopened = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            QueuedWorkload.assertSealedWithWorkload(reopened.data(), n);
        }
    }
}
