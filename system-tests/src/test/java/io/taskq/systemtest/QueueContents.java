package io.taskq.systemtest;

import io.taskq.common.wire.ExcerptReader;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

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
 * @param payloads    the {@code payload} of each task excerpt, in queue order
 * @param endOfStream the {@code submitted} field of each end-of-stream excerpt, in queue order
 * @param tasksBeforeEndOfStream for each end-of-stream excerpt, how many task excerpts came before it
 */
record QueueContents(long[] seqs, int[] values, double[] payloads, List<Long> endOfStream,
                     List<Integer> tasksBeforeEndOfStream) {

    /** Reads {@code tasksDir} (a data directory's {@code tasks/}) from start to end, read-only. */
    static QueueContents read(Path tasksDir) {
        long[] seqs = new long[1024];
        int[] values = new int[1024];
        double[] payloads = new double[1024];
        int n = 0;
        List<Long> endOfStream = new ArrayList<>();
        List<Integer> before = new ArrayList<>();
        ExcerptReader reader = new ExcerptReader();
        QueuedTask task = new QueuedTask();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(tasksDir).readOnly(true).build();
             ExcerptTailer tailer = queue.createTailer()) {
            for (; ; ) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent())
                        break;
                    ExcerptReader.Kind kind = reader.read(dc, task);
                    if (kind == ExcerptReader.Kind.TASK) {
                        if (n == seqs.length) {
                            seqs = Arrays.copyOf(seqs, n * 2);
                            values = Arrays.copyOf(values, n * 2);
                            payloads = Arrays.copyOf(payloads, n * 2);
                        }
                        seqs[n] = task.seq();
                        values[n] = task.value();
                        payloads[n] = task.payload();
                        n++;
                    } else if (kind == ExcerptReader.Kind.END_OF_STREAM) {
                        endOfStream.add(reader.endOfStreamCount());
                        before.add(n);
                    } else if (dc.isData()) {
                        throw new AssertionError("unexpected excerpt '" + reader.event() + "' at index "
                                + Long.toHexString(dc.index()) + " in " + tasksDir);
                    }
                }
            }
        }
        return new QueueContents(Arrays.copyOf(seqs, n), Arrays.copyOf(values, n), Arrays.copyOf(payloads, n),
                endOfStream, before);
    }
}
