package io.taskq.consumer;

import io.taskq.common.wire.Excerpts;
import io.taskq.common.wire.QueuedBatch;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading by seq, from tasks and batches: skips, jumps, rewinds, and crosses roll-cycle boundaries. */
class TaskReaderTest {
    @TempDir
    Path dir;

    private static void append(ExcerptAppender appender, long seq) {
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().writeEventName(Excerpts.TASK)
                    .marshallable(new QueuedTask().set((int) (seq % 1000), seq * 0.5).seq(seq));
        }
    }

    /** Appends seqs {@code [first, first + count)} as one batch excerpt; every third task has a body. */
    private static void appendBatch(ExcerptAppender appender, long first, int count) {
        QueuedBatch batch = new QueuedBatch();
        for (long seq = first; seq < first + count; seq++) {
            if (seq % 3 == 0) {
                byte[] body = ("body " + seq).getBytes(StandardCharsets.UTF_8);
                batch.add((int) (seq % 1000), seq * 0.5, body, 0, body.length);
            } else {
                batch.add((int) (seq % 1000), seq * 0.5);
            }
        }
        batch.stamp(first, 7_000 + first);
        try (DocumentContext dc = appender.writingDocument()) {
            Excerpts.writeBatch(dc.wire(), batch);
        }
    }

    private static void assertTask(long seq, QueuedTask task) {
        assertEquals(seq, task.seq());
        assertEquals(seq % 1000, task.value());
        assertEquals(seq * 0.5, task.payload());
    }

    /**
     * Appends tasks {@code [0, n)} as a mix of single excerpts and batches of 1 to 300 tasks, advancing the clock by a
     * second every 700 excerpts or so (a new roll cycle).
     */
    private static void appendMixed(ExcerptAppender appender, SetTimeProvider time, Random random, int n) {
        long seq = 0;
        int excerpts = 0;
        while (seq < n) {
            if (random.nextInt(3) == 0) {
                append(appender, seq++);
            } else {
                int count = (int) Math.min(n - seq, 1 + random.nextInt(random.nextBoolean() ? 8 : 300));
                appendBatch(appender, seq, count);
                seq += count;
            }
            if (++excerpts % 700 == 0)
                time.advanceMillis(1_000);
        }
    }

    @Test
    @Timeout(60)
    void shouldReadEveryTaskOfBatchesWithItsBodyAndTheBatchsCreationTime() {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile()).build();
             ExcerptAppender appender = queue.createAppender()) {
            appendBatch(appender, 0, 5);
            append(appender, 5);
            appendBatch(appender, 6, 1);
            appendBatch(appender, 7, 40);
            try (TaskReader reader = new TaskReader(queue)) {
                QueuedTask task = new QueuedTask();
                for (long seq = 0; seq < 47; seq++) {
                    assertTrue(reader.read(seq, task), "seq " + seq + " is in the queue");
                    assertTask(seq, task);
                    if (seq != 5) {
                        long first = seq < 5 ? 0 : seq == 6 ? 6 : 7;
                        assertEquals(7_000 + first, task.createdNanos(), "seq " + seq + " has its batch's time");
                    }
                    if (seq % 3 == 0 && seq != 5)
                        assertEquals("body " + seq, new String(task.bodyBytes(), StandardCharsets.UTF_8));
                    else
                        assertFalse(task.hasBody(), "seq " + seq + " has no body, and keeps none from the task before");
                }
                assertFalse(reader.read(47, task), "seq 47 is not written yet");
                appendBatch(appender, 47, 3);
                assertTrue(reader.read(48, task), "a batch shows up once written, and a read may start inside it");
                assertTask(48, task);
                assertTrue(reader.read(3, task), "back into the first batch");
                assertTask(3, task);
                assertEquals("body 3", new String(task.bodyBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    @Timeout(120)
    void shouldFindEveryWantedSeqInAMixOfTasksAndBatchesAcrossRollCycles() {
        SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toMillis(20_000)).advanceMillis(0);
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(time).build();
             ExcerptAppender appender = queue.createAppender()) {
            int n = 200_000;
            Random random = new Random(7);
            appendMixed(appender, time, random, n);
            for (int round = 0; round < 6; round++) {
                int stride = new int[]{2, 40, 400, 5_000, 60_000, 1}[round];
                try (TaskReader reader = new TaskReader(queue)) {
                    QueuedTask task = new QueuedTask();
                    for (long seq = random.nextInt(50); seq < n; seq += 1 + random.nextInt(stride)) {
                        assertTrue(reader.read(seq, task), "seq " + seq + " is in the queue");
                        assertTask(seq, task);
                        if (random.nextInt(50) == 0) {
                            long back = Math.max(0, seq - random.nextInt(20_000));
                            assertTrue(reader.read(back, task), "seq " + back + ", behind the tailer");
                            assertTask(back, task);
                        }
                    }
                    assertFalse(reader.read(n, task), "seq " + n + " is not written yet");
                    appendBatch(appender, n, 10);
                    assertTrue(reader.read(n + 9, task), "seq " + (n + 9) + " shows up once written");
                    assertTask(n + 9, task);
                    n += 10;
                }
            }
        }
    }

    @Test
    @Timeout(30)
    void shouldReportASeqThatIsMissingBetweenBatches() {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(RollCycles.FAST_DAILY).build();
             ExcerptAppender appender = queue.createAppender();
             TaskReader reader = new TaskReader(queue)) {
            appendBatch(appender, 0, 10);
            appendBatch(appender, 15, 100);
            appendBatch(appender, 115, 100);
            QueuedTask task = new QueuedTask();
            assertTrue(reader.read(200, task));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> reader.read(12, task));
            assertTrue(e.getMessage().contains("seq 12 is missing"), e.getMessage());
            try (TaskReader fresh = new TaskReader(queue)) {
                e = assertThrows(IllegalStateException.class, () -> fresh.read(12, task));
                assertTrue(e.getMessage().contains("seq 12 is missing"), e.getMessage());
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldReadTasksWithAndWithoutBodiesFromTheCompactBinaryForm() {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile()).build();
             ExcerptAppender appender = queue.createAppender()) {
            for (long seq = 0; seq < 6; seq++) {
                QueuedTask t = new QueuedTask().set((int) seq, seq * 0.5).seq(seq).createdNanos(1000 + seq);
                if (seq % 2 == 1)
                    t.body(("body of " + seq).repeat((int) seq * 50).getBytes(StandardCharsets.UTF_8));
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().writeEventName(Excerpts.TASK).marshallable(t);
                }
            }
            try (TaskReader reader = new TaskReader(queue)) {
                QueuedTask task = new QueuedTask();
                for (long seq = 0; seq < 6; seq++) {
                    assertTrue(reader.read(seq, task), "seq " + seq + " is in the queue");
                    assertEquals(seq, task.seq());
                    assertEquals(1000 + seq, task.createdNanos());
                    assertEquals((int) seq, task.value());
                    assertEquals(seq * 0.5, task.payload());
                    if (seq % 2 == 1)
                        assertEquals(("body of " + seq).repeat((int) seq * 50),
                                new String(task.bodyBytes(), StandardCharsets.UTF_8));
                    else
                        assertFalse(task.hasBody(), "seq " + seq + " has no body, and keeps none from the task before");
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldFindEveryWantedSeqAcrossRollCycles() {
        SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toMillis(20_000)).advanceMillis(0);
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(TestRollCycles.TEST_SECONDLY).timeProvider(time).build();
             ExcerptAppender appender = queue.createAppender()) {
            int n = 5_000;
            for (long seq = 0; seq < n; seq++) {
                append(appender, seq);
                if (seq % 700 == 699)
                    time.advanceMillis(1_000);
            }
            Random random = new Random(42);
            for (int round = 0; round < 5; round++) {
                try (TaskReader reader = new TaskReader(queue)) {
                    QueuedTask task = new QueuedTask();
                    for (long seq = random.nextInt(50); seq < n; seq += 1 + random.nextInt(round == 0 ? 3 : 400)) {
                        assertTrue(reader.read(seq, task), "seq " + seq + " is in the queue");
                        assertEquals(seq, task.seq());
                        assertEquals(seq % 1000, task.value());
                    }
                    assertFalse(reader.read(n, task), "seq " + n + " is not written yet");
                    append(appender, n);
                    assertTrue(reader.read(n, task), "seq " + n + " shows up once written");
                    n++;
                }
            }
        }
    }

    @Test
    @Timeout(30)
    void shouldGoBackForASeqBehindTheTailer() {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(RollCycles.FAST_DAILY).build();
             ExcerptAppender appender = queue.createAppender();
             TaskReader reader = new TaskReader(queue)) {
            for (long seq = 0; seq < 100; seq++)
                append(appender, seq);
            QueuedTask task = new QueuedTask();
            assertTrue(reader.read(90, task));
            assertTrue(reader.read(10, task), "a resumed batch may start behind the tailer");
            assertEquals(10, task.seq());
            assertTrue(reader.read(99, task));
            assertFalse(reader.read(100, task), "the tailer is at the end of the queue");
            assertTrue(reader.read(40, task), "an adopted batch may lie behind a tailer that reached the end");
            assertEquals(40, task.seq());
            assertTrue(reader.read(41, task));
            assertEquals(41, task.seq());
        }
    }

    @Test
    @Timeout(30)
    void shouldReportASeqThatIsMissingFromTheQueue() {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
                .rollCycle(RollCycles.FAST_DAILY).build();
             ExcerptAppender appender = queue.createAppender();
             TaskReader reader = new TaskReader(queue)) {
            for (long seq = 0; seq < 10; seq++)
                if (seq != 5)
                    append(appender, seq);
            QueuedTask task = new QueuedTask();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> reader.read(5, task));
            assertTrue(e.getMessage().contains("seq 5 is missing"), e.getMessage());
        }
    }
}
