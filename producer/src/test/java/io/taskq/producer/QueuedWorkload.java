package io.taskq.producer;

import io.taskq.common.store.DataDirectory;
import io.taskq.common.wire.ExcerptReader;
import io.taskq.common.wire.QueuedTask;
import io.taskq.workload.Workload;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Checks what a producer left in a data directory by reading its queue and ledger directly, without a consumer. */
final class QueuedWorkload {
    private QueuedWorkload() {
    }

    /**
     * Asserts that the ledger counts {@code n} tasks and is sealed there, and that the task queue holds exactly tasks
     * {@code 0..n-1} of the synthetic {@link Workload}, each once, in seq order, with its value and payload, followed
     * by one end-of-stream excerpt at {@code n} and nothing else.
     */
    static void assertSealedWithWorkload(DataDirectory data, long n) {
        assertEquals(n, data.ledger().submitted(), "the ledger's submitted count");
        assertEquals(n, data.ledger().sealedCount(), "the ledger's sealed count");
        ExcerptReader reader = new ExcerptReader();
        QueuedTask task = new QueuedTask();
        long next = 0;
        boolean ended = false;
        try (ExcerptTailer tailer = data.queue().createTailer()) {
            for (; ; ) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent())
                        break;
                    ExcerptReader.Kind kind = reader.read(dc, task);
                    if (kind == ExcerptReader.Kind.OTHER) {
                        if (dc.isData())
                            fail("unexpected excerpt '" + reader.event() + "' after seq " + (next - 1));
                        continue;
                    }
                    assertFalse(ended, "nothing follows the end of stream");
                    if (kind == ExcerptReader.Kind.END_OF_STREAM) {
                        assertEquals(n, reader.endOfStreamCount(), "the end of stream's count");
                        ended = true;
                        continue;
                    }
                    assertEquals(next, task.seq(), "seqs are dense and in queue order");
                    assertEquals(Workload.value(next), task.value(), "value of seq " + next);
                    assertEquals(Workload.payload(next), task.payload(), "payload of seq " + next);
                    assertFalse(task.hasBody(), "seq " + next + " has no body");
                    next++;
                }
            }
        }
        assertEquals(n, next, "tasks in the queue");
        assertTrue(ended, "the queue ends with an end-of-stream excerpt");
    }
}
