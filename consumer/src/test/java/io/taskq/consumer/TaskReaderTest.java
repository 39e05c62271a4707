package io.taskq.consumer;

import io.taskq.common.wire.Excerpts;
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

/** Reading by seq: skips, jumps by index arithmetic, rewinds, and crosses roll-cycle boundaries. */
class TaskReaderTest {
    @TempDir
    Path dir;

    private static void append(ExcerptAppender appender, long seq) {
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().writeEventName(Excerpts.TASK)
                    .marshallable(new QueuedTask().set((int) (seq % 1000), seq * 0.5).seq(seq));
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
