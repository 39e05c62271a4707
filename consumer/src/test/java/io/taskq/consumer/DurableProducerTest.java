package io.taskq.consumer;

import io.taskq.workload.ExampleHandler;
import io.taskq.workload.Workload;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.store.Progress;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code producer.sync=msync}: every put and the seal are flushed before they return, and the flow is unchanged. */
class DurableProducerTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldFlushEveryPutAndStillHandleEachTaskExactlyOnce() throws Exception {
        int n = 2_000;
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).msync(true).build())) {
            for (long i = 0; i < n; i++)
                assertEquals(i, producer.put(Workload.value(i), Workload.payload(i)));
            assertEquals(n, producer.seal());
        }
        try (TaskConsumer c = TaskConsumer.open(ConsumerSettings.builder(dir).index(0).build(), new ExampleHandler())) {
            assertTrue(c.run(IdleStrategies.create("yielding"), true), "the consumer reaches the end of the stream");
        }
        try (TaskProducer reopened = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            Progress p = Progress.read(reopened.data());
            assertEquals(n, p.submitted(), "reopening repairs nothing: the ledger agrees with the queue");
            assertEquals(n, p.done());
            assertEquals(Workload.expectedSumValue(n), p.sumValue());
            assertEquals(Workload.expectedSumPayload(n), p.sumPayload());
        }
    }
}
