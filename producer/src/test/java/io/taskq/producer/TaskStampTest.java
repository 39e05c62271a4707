package io.taskq.producer;

import io.taskq.common.wire.QueuedTask;
import io.taskq.common.wire.TaskScan;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A put stamps its task ({@code createdNanos}) with the clock reading Chronicle takes in {@code writingDocument}: the
 * stamp must lie within the put, which fails if Chronicle ever stopped reading the queue's clock on every append.
 */
class TaskStampTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldStampEveryPutAndBatchWithAReadingTakenDuringIt() {
        int puts = 2_000;
        long[] before = new long[puts + 1];
        long[] after = new long[puts + 1];
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            for (int i = 0; i < puts; i++) {
                before[i] = System.nanoTime();
                producer.put(i, i);
                after[i] = System.nanoTime();
            }
            TaskBatch batch = producer.newBatch();
            for (int i = 0; i < 10; i++)
                batch.add(i, i);
            before[puts] = System.nanoTime();
            producer.putAll(batch);
            after[puts] = System.nanoTime();

            List<QueuedTask> tasks = new ArrayList<>();
            TaskScan scan = new TaskScan();
            try (ExcerptTailer tailer = producer.data().queue().createTailer()) {
                TaskScan.Visitor copy = t -> tasks.add(new QueuedTask().seq(t.seq()).createdNanos(t.createdNanos()));
                while (scan.next(tailer, copy)) {
                    // copy gathers
                }
            }
            assertEquals(puts + 10, tasks.size());
            for (QueuedTask t : tasks) {
                int put = (int) Math.min(t.seq(), puts);
                assertTrue(before[put] <= t.createdNanos() && t.createdNanos() <= after[put], () -> "seq " + t.seq()
                        + " stamped " + t.createdNanos() + ", outside its put [" + before[put] + ", " + after[put]
                        + "]");
            }
        }
    }
}
