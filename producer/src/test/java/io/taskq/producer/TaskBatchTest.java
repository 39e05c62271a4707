package io.taskq.producer;

import io.taskq.common.StreamSealedException;
import io.taskq.common.wire.QueuedBatch;
import io.taskq.common.wire.QueuedTask;
import io.taskq.common.wire.TaskScan;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch puts through a real queue: {@code putAll} writes one excerpt per batch with dense seqs that follow single
 * puts, empties the batch, keeps it on refusal, and a reopened producer continues after the last batch.
 */
class TaskBatchTest {
    @TempDir
    Path dir;

    /** Every task in the queue, as "seq value payload body" text, a batch's tasks one by one. */
    private static List<String> tasks(TaskProducer producer) {
        List<String> all = new ArrayList<>();
        TaskScan scan = new TaskScan();
        TaskScan.Visitor collect = (QueuedTask t) -> all.add(t.seq() + " " + t.value() + " " + t.payload() + " "
                + new String(t.bodyBytes(), StandardCharsets.UTF_8));
        try (ExcerptTailer tailer = producer.data().queue().createTailer()) {
            while (scan.next(tailer, collect)) {
                // collect gathers
            }
        }
        return all;
    }

    /** The number of excerpts in the queue. */
    private static int excerpts(TaskProducer producer) {
        int n = 0;
        try (ExcerptTailer tailer = producer.data().queue().createTailer()) {
            while (new TaskScan().next(tailer, t -> { }))
                n++;
        }
        return n;
    }

    @Test
    @Timeout(60)
    void shouldPutABatchAsOneExcerptWithDenseSeqsAfterSinglePuts() {
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            assertEquals(0, producer.put(1, 0.5));
            TaskBatch batch = producer.newBatch();
            assertEquals(-1, producer.putAll(batch), "an empty batch writes nothing");
            batch.add(2, 1.5).add("b".getBytes(StandardCharsets.UTF_8))
                    .add(4, 3.5, ByteBuffer.wrap("xcx".getBytes(StandardCharsets.UTF_8)).position(1).limit(2));
            assertEquals(3, batch.size());
            assertEquals(1, producer.putAll(batch));
            assertTrue(batch.isEmpty(), "putAll empties the batch");
            assertEquals(4, producer.put(5, 4.5, "e".getBytes(StandardCharsets.UTF_8)));
            assertEquals(5, producer.putAll(batch.add(6, 5.5)));
            assertEquals(6, producer.submitted());
            assertEquals(List.of("0 1 0.5 ", "1 2 1.5 ", "2 0 0.0 b", "3 4 3.5 c", "4 5 4.5 e", "5 6 5.5 "),
                    tasks(producer));
            assertEquals(4, excerpts(producer), "two single puts and two batches");
        }
        try (TaskProducer reopened = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            assertEquals(6, reopened.submitted(), "repair finds the end of the last batch");
            TaskBatch batch = reopened.newBatch();
            for (int i = 0; i < 1000; i++)
                batch.add(i, i);
            assertEquals(6, reopened.putAll(batch));
            assertEquals(1006, reopened.submitted());
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseABatchOnASealedStreamAndKeepIt() {
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            TaskBatch batch = producer.newBatch().add(1, 1.0).add(2, 2.0);
            producer.seal();
            assertThrows(StreamSealedException.class, () -> producer.putAll(batch));
            assertEquals(2, batch.size(), "a refused batch is kept");
            assertEquals(0, producer.submitted());
            assertEquals(1, excerpts(producer), "only the end of stream");
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseATooLongBodyAndAFullBatchWithoutAddingAnything() {
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).maxBodyBytes(8).build())) {
            TaskBatch batch = producer.newBatch().add(1, 1.0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batch.add(new byte[9]));
            assertTrue(e.getMessage().contains("queue.max-body-bytes=8"), e.getMessage());
            assertEquals(1, batch.size());
            for (int i = 1; i < QueuedBatch.MAX_TASKS; i++)
                batch.add(i, i);
            assertFalse(batch.hasRoomFor(0));
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> batch.add(0, 0));
            assertTrue(full.getMessage().contains("the batch is full"), full.getMessage());
            assertEquals(0, producer.putAll(batch));
            assertEquals(QueuedBatch.MAX_TASKS, producer.submitted());
        }
    }
}
