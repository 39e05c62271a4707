package io.taskq.consumer;

import io.taskq.workload.ExampleHandler;
import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.workload.Workload;
import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.store.SlotSnapshot;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole flow through a real queue and map in one JVM: consumers on threads, each with its own slot. */
class QueueAndMapFlowTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldHandleEveryTaskExactlyOnceWithCompetingConsumers() throws Exception {
        int n = 50_000;
        int consumers = 3;
        ExecutorService pool = Executors.newFixedThreadPool(consumers);
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int k = 0; k < consumers; k++) {
                int index = k;
                runs.add(pool.submit(() -> {
                    try (TaskConsumer c = TaskConsumer.open(
                            ConsumerSettings.builder(dir).index(index).batchSize(16).build(), new ExampleHandler())) {
                        return c.run(IdleStrategies.create("yielding"), true);
                    }
                }));
            }
            for (long i = 0; i < n; i++)
                assertEquals(i, producer.put(Workload.value(i), Workload.payload(i)));
            assertEquals(n, producer.seal());
            assertTrue(producer.joinAll(Duration.ofSeconds(60)), "join --all returns");
            for (Future<Boolean> run : runs)
                assertTrue(run.get(), "consumer stopped at end of stream");
            Progress p = Progress.read(producer.data());
            assertEquals(n, p.submitted());
            assertEquals(n, p.done());
            assertEquals(n, p.watermark());
            assertEquals(Workload.expectedSumValue(n), p.sumValue());
            assertEquals(Workload.expectedSumPayload(n), p.sumPayload());
            assertEquals(consumers, p.slots().size());
            for (SlotSnapshot s : p.slots())
                assertTrue(s.figures().done > 0, "slot " + s.index() + " did some work: " + s.figures());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(60)
    void shouldResumeTheUnfinishedBatchWhenTheSameIndexReopens() throws Exception {
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            for (long i = 0; i < 100; i++)
                producer.put(Workload.value(i), Workload.payload(i));
            producer.seal();
            ConsumerSettings settings = ConsumerSettings.builder(dir).index(0).batchSize(64).build();
            AtomicReference<TaskConsumer> self = new AtomicReference<>();
            ExampleHandler example = new ExampleHandler();
            TaskHandler stopAfterFirst = new TaskHandler() {
                @Override
                public String name() {
                    return "stop-after-first";
                }

                @Override
                public void handle(Task task, TaskResult result) {
                    example.handle(task, result);
                    self.get().requestStop(0);
                }
            };
            try (TaskConsumer first = TaskConsumer.open(settings, stopAfterFirst)) {
                self.set(first);
                // A stop with no grace commits the task in hand and leaves the rest of the batch claimed.
                assertEquals(1, first.doWork());
                assertTrue(first.hasBatchInHand());
                assertEquals(1, first.figures().done);
            }
            try (TaskConsumer second = TaskConsumer.open(settings, new ExampleHandler())) {
                assertTrue(second.run(IdleStrategies.create("busy"), true));
            }
            Progress p = Progress.read(producer.data());
            assertEquals(100, p.done());
            assertEquals(Workload.expectedSumValue(100), p.sumValue());
            assertEquals(Workload.expectedSumPayload(100), p.sumPayload());
            assertEquals(1, p.slots().get(0).restarts());
        }
    }

    @Test
    @Timeout(60)
    void shouldCloseABatchAtTheSealedEndWhenAKilledProducerLeftAClaimedSeqUnwritten() throws Exception {
        ConsumerSettings settings = ConsumerSettings.builder(dir).index(0).batchSize(64).build();
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            for (long i = 0; i < 10; i++)
                producer.put(Workload.value(i), Workload.payload(i));
            // What a producer killed between publishing submitted and committing its excerpt leaves behind.
            producer.data().ledger().publishSubmitted(11);
        }
        try (TaskConsumer consumer = TaskConsumer.open(settings, new ExampleHandler())) {
            assertEquals(10, consumer.doWork(), "claims [0, 11) and handles the ten that exist");
            assertTrue(consumer.hasBatchInHand(), "seq 10 may still come");
            try (TaskProducer restarted = TaskProducer.open(ProducerSettings.builder(dir).build())) {
                assertEquals(10, restarted.submitted(), "repair hands seq 10 out again");
                assertEquals(10, restarted.seal());
            }
            assertTrue(consumer.run(IdleStrategies.create("busy"), true), "stops at end of stream");
            assertFalse(consumer.hasBatchInHand());
        }
        try (DataDirectory data = DataDirectory.openExisting(dir, RollCycles.FAST_DAILY)) {
            Progress p = Progress.read(data);
            assertEquals(10, p.done());
            assertEquals(0, p.slots().get(0).inFlight());
            assertTrue(p.allDone());
            assertEquals(Workload.expectedSumValue(10), p.sumValue());
        }
    }
}
