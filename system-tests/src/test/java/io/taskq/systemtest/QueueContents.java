package io.taskq.systemtest;

import io.taskq.common.Task;
import io.taskq.common.store.Excerpts;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.ValueIn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything in a data directory's task queue, in queue order, read with a plain Chronicle tailer in the test JVM
 * (independently of the consumer's reader).
 *
 * @param seqs        the {@code seq} of each task excerpt, in queue order
 * @param values      the {@code value} of each task excerpt, in queue order
 * @param endOfStream the {@code submitted} field of each end-of-stream excerpt, in queue order
 * @param tasksBeforeEndOfStream for each end-of-stream excerpt, how many task excerpts came before it
 */
record QueueContents(long[] seqs, int[] values, List<Long> endOfStream, List<Integer> tasksBeforeEndOfStream) {

    /** Reads {@code tasksDir} (a data directory's {@code tasks/}) from start to end, read-only. */
    static QueueContents read(Path tasksDir) {
        long[] seqs = new long[1024];
        int[] values = new int[1024];
        int n = 0;
        List<Long> endOfStream = new ArrayList<>();
        List<Integer> before = new ArrayList<>();
        StringBuilder event = new StringBuilder();
        Task task = new Task();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(tasksDir).readOnly(true).build();
             ExcerptTailer tailer = queue.createTailer()) {
            for (; ; ) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent())
                        break;
                    if (!dc.isData())
                        continue;
                    ValueIn in = dc.wire().readEventName(event);
                    if (Excerpts.TASK.contentEquals(event)) {
                        in.marshallable(task);
                        if (n == seqs.length) {
                            seqs = Arrays.copyOf(seqs, n * 2);
                            values = Arrays.copyOf(values, n * 2);
                        }
                        seqs[n] = task.seq();
                        values[n] = task.value();
                        n++;
                    } else if (Excerpts.END_OF_STREAM.contentEquals(event)) {
                        long[] submitted = new long[1];
                        in.marshallable(w -> submitted[0] = w.read(Excerpts.SUBMITTED_FIELD).int64());
                        endOfStream.add(submitted[0]);
                        before.add(n);
                    } else {
                        throw new AssertionError("unexpected excerpt '" + event + "' at index " + Long.toHexString(dc.index())
                                + " in " + tasksDir);
                    }
                }
            }
        }
        return new QueueContents(Arrays.copyOf(seqs, n), Arrays.copyOf(values, n), endOfStream, before);
    }
}
