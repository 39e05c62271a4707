package io.taskq.consumer;

import io.taskq.workload.ExampleHandler;
import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.workload.Workload;
import io.taskq.common.config.Keys;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.store.Progress;
import io.taskq.common.store.QueueRetention;
import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queue retention through a real queue and map: the queue is created with Chronicle's one-second test roll cycle
 * (the queue keeps the roll cycle it was created with, whatever later openers ask for), so a test writes several
 * cycle files in a few seconds. Four cycles of 100 tasks each: seqs 0..99 in cycle file 0, 100..199 in 1, and so on.
 */
class QueueRetentionFlowTest {
    private static final int PER_CYCLE = 100;
    private static final int CYCLES = 4;
    private static final int N = PER_CYCLE * CYCLES;

    @TempDir
    Path dir;

    /** The four cycle files, oldest first, as written. */
    private List<String> written;

    @BeforeEach
    void writeFourCycles() throws Exception {
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir.resolve(DataDirectory.TASKS).toFile())
                .rollCycle(TestRollCycles.TEST_SECONDLY).build()) {
            assertEquals(TestRollCycles.TEST_SECONDLY, q.rollCycle());
        }
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            SingleChronicleQueue queue = producer.data().queue();
            assertEquals(TestRollCycles.TEST_SECONDLY, queue.rollCycle(), "the queue kept its test roll cycle");
            // Start at a cycle boundary, so each batch of 100 puts has a whole second.
            awaitNextCycle(queue, queue.cycle());
            for (int c = 0; c < CYCLES; c++) {
                int cycle = queue.cycle();
                for (int i = 0; i < PER_CYCLE; i++) {
                    long seq = (long) c * PER_CYCLE + i;
                    assertEquals(seq, producer.put(Workload.value(seq), Workload.payload(seq)));
                }
                assertEquals(cycle, queue.cycle(), "100 puts fit in one second: else the layout below is off");
                awaitNextCycle(queue, cycle);
            }
            assertEquals(N, producer.seal());
        }
        // The producer's start-up repair may have left an empty file in the second before the first put. With nothing
        // done yet, retention deletes exactly that: a file without tasks needs nobody.
        List<String> all = cycleFiles();
        int empty = all.size() - (CYCLES + 1);
        assertTrue(empty == 0 || empty == 1, () -> "one file per cycle, plus at most one empty one: " + all);
        try (DataDirectory data = DataDirectory.openExisting(dir, net.openhft.chronicle.queue.RollCycles.FAST_DAILY)) {
            assertEquals(empty, new QueueRetention(data, 1).prune().size(), all::toString);
        }
        written = cycleFiles();
        // The end of stream lands in a fifth file, written after the last wait.
        assertEquals(CYCLES + 1, written.size(), () -> "one file per cycle: " + written);
        assertEquals(all.subList(empty, all.size()), written);
    }

    @Test
    @Timeout(60)
    void shouldDeleteOnlyCyclesWhoseTasksAreAllDoneAsTheConsumerMovesOn() throws Exception {
        try (DataDirectory data = DataDirectory.openExisting(dir, net.openhft.chronicle.queue.RollCycles.FAST_DAILY)) {
            QueueRetention retention = new QueueRetention(data, 1);
            assertEquals(List.of(), retention.prune(), "nothing is done yet");
            assertEquals(written, cycleFiles());

            try (TaskConsumer c = TaskConsumer.open(settings(0, 50, 1).build(), new ExampleHandler())) {
                assertEquals(50, c.doWork());
                assertEquals(50, c.doWork());
                assertEquals(written, cycleFiles(), "seqs 0..99 are done, but the reader has not left cycle 0");
                // Claims [100, 150): reading seq 100 moves the reader into cycle 1; reading seq 101 prunes cycle 0,
                // whose tasks are all done.
                assertEquals(50, c.doWork());
                assertEquals(written.subList(1, written.size()), cycleFiles());
                assertEquals(List.of(), retention.prune(), "seqs 150..199 of cycle 1 are not done");

                runToEndOfStream(c);
            }
            // Each move into a new cycle pruned the one before; the last task file stays (it is the newest with a
            // task), and so does the end-of-stream file.
            assertEquals(written.subList(CYCLES - 1, written.size()), cycleFiles());
            assertExactTotals(data);
        }
    }

    @Test
    @Timeout(60)
    void shouldKeepTheCycleOfAnUnfinishedBatchAndOfALiveReaderUntilTheyMoveOn() throws Exception {
        try (DataDirectory data = DataDirectory.openExisting(dir, net.openhft.chronicle.queue.RollCycles.FAST_DAILY)) {
            QueueRetention retention = new QueueRetention(data, 1);
            ExampleHandler example = new ExampleHandler();
            TaskHandler failAtSeq5 = new TaskHandler() {
                @Override
                public String name() {
                    return "fail-at-5";
                }

                @Override
                public void handle(Task task, TaskResult result) throws Exception {
                    if (task.seq() == 5 && task.attempt() == 1)
                        throw new IllegalStateException("handler fails at seq 5");
                    example.handle(task, result);
                }
            };
            // Slot 1 claims [0, 10); seq 5 fails its first attempt and waits in the slot for its retry (2 to 4 s).
            try (TaskConsumer stuck = TaskConsumer.open(settings(1, 10, Keys.KEEP_ALL_CYCLES)
                    .retryBackoff(Duration.ofSeconds(4)).build(), failAtSeq5)) {
                assertEquals(10, stuck.doWork());
                assertEquals(1, stuck.retriesWaiting());
            }
            // Slot 0 handles everything else, pruning as it enters each cycle: but seq 5 is not done, so nothing goes.
            // Its lease is long, so it does not adopt slot 1's batch while it runs.
            try (TaskConsumer c = TaskConsumer.open(settings(0, 50, 1)
                    .heartbeat(Duration.ofSeconds(1)).lease(Duration.ofHours(1)).build(), new ExampleHandler())) {
                runUntilEverythingIsClaimed(c, data);
            }
            assertEquals(5, Progress.read(data).watermark());
            assertEquals(List.of(), retention.prune());
            assertEquals(written, cycleFiles(), "cycle 0 holds an unfinished task, and the files after it wait for it");

            // Restart slot 1: it retries seq 5 in cycle 0 once it is due, and stays open, its reader parked in cycle 0.
            try (TaskConsumer resumed = TaskConsumer.open(settings(1, 10, Keys.KEEP_ALL_CYCLES).build(),
                    new ExampleHandler())) {
                assertEquals(1, resumed.retriesWaiting());
                int calls = 0;
                while (resumed.retriesWaiting() > 0 && calls == 0) {
                    calls += resumed.doWork();
                    Thread.sleep(10);
                }
                assertEquals(1, calls, "retries seq 5");
                assertEquals(0, resumed.retriesWaiting());
                assertEquals(N, Progress.read(data).watermark(), "every task is done now");
                assertEquals(List.of(), retention.prune(), "slot 1's live reader is still in cycle 0");
                assertEquals(written, cycleFiles());
            }
            // Slot 1 stopped, so its reader is gone, and every task is done: all goes but the newest file, which holds
            // the end of stream.
            List<File> deleted = retention.prune();
            assertEquals(CYCLES, deleted.size(), deleted::toString);
            assertEquals(written.subList(CYCLES, written.size()), cycleFiles());
            assertExactTotals(data);
        }
    }

    @Test
    @Timeout(60)
    void shouldKeepTheNewestFilesAsConfiguredAndEverythingWithKeepAll() throws Exception {
        try (TaskConsumer c = TaskConsumer.open(settings(0, 64, Keys.KEEP_ALL_CYCLES).build(), new ExampleHandler())) {
            runToEndOfStream(c);
        }
        assertEquals(written, cycleFiles(), "keep all: the consumer deleted nothing");
        try (DataDirectory data = DataDirectory.openExisting(dir, net.openhft.chronicle.queue.RollCycles.FAST_DAILY)) {
            assertEquals(List.of(), new QueueRetention(data, Keys.KEEP_ALL_CYCLES).prune());
            assertEquals(1, new QueueRetention(data, 4).prune().size(), "keep 4 of 5 files");
            assertEquals(written.subList(1, written.size()), cycleFiles());
            assertEquals(2, new QueueRetention(data, 2).prune().size(), "keep 2");
            assertEquals(written.subList(3, written.size()), cycleFiles());
            assertEquals(1, new QueueRetention(data, 1).prune().size(), "keep 1: the last task file goes too");
            assertEquals(written.subList(4, written.size()), cycleFiles(), "the newest excerpt (end of stream) stays");
            assertExactTotals(data);
            // The producer's start-up repair still finds the end of stream.
            try (TaskProducer again = TaskProducer.open(ProducerSettings.builder(dir).build())) {
                assertEquals(N, again.submitted());
                assertEquals(N, again.data().ledger().sealedCount());
            }
        }
    }

    /**
     * Runs the consumer on this thread until every task is claimed and its batch is done, with a deadline (a consumer
     * that cannot find a task would otherwise wait for it for ever).
     */
    private static void runToEndOfStream(TaskConsumer c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.reachedEndOfStream()) {
            if (c.doWork() == 0)
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            if (System.nanoTime() > deadline)
                throw new AssertionError("consumer " + c.index() + " did not reach end of stream within 20 s: "
                        + c.figures());
        }
    }

    /** Runs {@code c} until every task is claimed and its own batch is finished, whatever other slots still hold. */
    private static void runUntilEverythingIsClaimed(TaskConsumer c, DataDirectory data) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (c.hasBatchInHand() || Progress.read(data).claimed() < N) {
            if (c.doWork() == 0)
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            if (System.nanoTime() > deadline)
                throw new AssertionError("consumer " + c.index() + " did not claim everything within 20 s: "
                        + c.figures());
        }
    }

    private ConsumerSettings.Builder settings(int index, int batch, int keepCycles) {
        return ConsumerSettings.builder(dir).index(index).batchSize(batch).keepCycles(keepCycles);
    }

    private static void assertExactTotals(DataDirectory data) {
        Progress p = Progress.read(data);
        assertEquals(N, p.done());
        assertEquals(N, p.watermark());
        assertEquals(Workload.expectedSumValue(N), p.sumValue());
        assertEquals(Workload.expectedSumPayload(N), p.sumPayload());
    }

    private List<String> cycleFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(DataDirectory.TASKS))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        }
    }

    /** Waits for the clock to enter the next one-second cycle: polls the queue's cycle with a deadline. */
    private static void awaitNextCycle(SingleChronicleQueue queue, int cycle) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (queue.cycle() == cycle) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("the one-second roll cycle did not move on within 5 s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
