package io.taskq.producer;

import io.taskq.common.TaskQException;
import io.taskq.workload.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code queue.min-free-bytes} through a real queue: a reserve larger than the free space stops puts before anything is
 * written, the tasks accepted before stay whole, and sealing (which may use the reserve) still ends the stream.
 * The full-disk run on a real small file system is {@code FullDiskTest} in system-tests.
 */
class FreeSpaceReserveTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldRefuseAPutWithoutWritingItWhenLessThanTheReserveIsFree() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        ProducerSettings tooGreedy = ProducerSettings.builder(dir).minFreeBytes(free + (1L << 40)).build();
        try (TaskProducer producer = TaskProducer.open(tooGreedy)) {
            TaskQException e = assertThrows(TaskQException.class, () -> producer.put(1, 0.5));
            assertEquals(TaskQException.EXIT_NO_SPACE, e.exitCode(), e.getMessage());
            assertTrue(e.getMessage().contains("below queue.min-free-bytes=" + (free + (1L << 40))), e.getMessage());
            assertTrue(e.getMessage().contains(dir.resolve("tasks").toString()), e.getMessage());
            assertEquals(0, producer.submitted(), "the refused task took no seq");
            // A second attempt is refused the same way: the budget is not refilled by a failed check.
            assertThrows(TaskQException.class, () -> producer.put(1, 0.5));
            assertEquals(0, producer.seal(), "sealing may use the reserve");
        }
    }

    @Test
    @Timeout(60)
    void shouldKeepEveryTaskAcceptedBeforeTheReserveWasReached() throws Exception {
        int n = 10_000;
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            for (long i = 0; i < n; i++)
                producer.put(Workload.value(i), Workload.payload(i));
        }
        long free = Files.getFileStore(dir).getUsableSpace();
        ProducerSettings tooGreedy = ProducerSettings.builder(dir).minFreeBytes(free + (1L << 40)).build();
        try (TaskProducer producer = TaskProducer.open(tooGreedy)) {
            TaskQException e = assertThrows(TaskQException.class, () -> producer.put(7, 7.0));
            assertEquals(TaskQException.EXIT_NO_SPACE, e.exitCode(), e.getMessage());
            assertEquals(n, producer.seal());
            // Every accepted task is whole and in place, the refused one is nowhere, and the stream ends after them.
            QueuedWorkload.assertSealedWithWorkload(producer.data(), n);
        }
    }
}
