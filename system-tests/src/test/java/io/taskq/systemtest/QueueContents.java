package io.taskq.systemtest;

import io.taskq.common.wire.QueuedTask;
import io.taskq.common.wire.TaskScan;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything in a data directory's task queue, in queue order, read with a plain Chronicle tailer in the test JVM
 * (independently of the consumer's reader).
 *
 * @param seqs        the {@code seq} of each task, in queue order (a batch's tasks one by one)
 * @param values      the {@code value} of each task, in queue order
 * @param payloads    the {@code payload} of each task, in queue order
 * @param endOfStream the {@code submitted} field of each end-of-stream excerpt, in queue order
 * @param tasksBeforeEndOfStream for each end-of-stream excerpt, how many tasks came before it
 */
record QueueContents(long[] seqs, int[] values, double[] payloads, List<Long> endOfStream,
                     List<Integer> tasksBeforeEndOfStream) {

    /** Reads {@code tasksDir} (a data directory's {@code tasks/}) from start to end, read-only. */
    static QueueContents read(Path tasksDir) {
        TaskScan scan = new TaskScan();
        Collector found = new Collector(tasksDir);
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(tasksDir).readOnly(true).build();
             ExcerptTailer tailer = queue.createTailer()) {
            while (scan.next(tailer, found)) {
                // the collector gathers
            }
        }
        int n = found.n;
        long[] seqs = found.seqs;
        int[] values = found.values;
        double[] payloads = found.payloads;
        List<Long> endOfStream = found.endOfStream;
        List<Integer> before = found.before;
        return new QueueContents(Arrays.copyOf(seqs, n), Arrays.copyOf(values, n), Arrays.copyOf(payloads, n),
                endOfStream, before);
    }

    /** Gathers what a scan finds. */
    private static final class Collector implements TaskScan.Visitor {
        private final Path tasksDir;
        private long[] seqs = new long[1024];
        private int[] values = new int[1024];
        private double[] payloads = new double[1024];
        private int n;
        private final List<Long> endOfStream = new ArrayList<>();
        private final List<Integer> before = new ArrayList<>();

        Collector(Path tasksDir) {
            this.tasksDir = tasksDir;
        }

        @Override
        public void task(QueuedTask task) {
            if (n == seqs.length) {
                seqs = Arrays.copyOf(seqs, n * 2);
                values = Arrays.copyOf(values, n * 2);
                payloads = Arrays.copyOf(payloads, n * 2);
            }
            seqs[n] = task.seq();
            values[n] = task.value();
            payloads[n] = task.payload();
            n++;
        }

        @Override
        public void endOfStream(long count) {
            endOfStream.add(count);
            before.add(n);
        }

        @Override
        public void other(CharSequence event, long index) {
            throw new AssertionError("unexpected excerpt '" + event + "' at index " + Long.toHexString(index) + " in "
                    + tasksDir);
        }
    }
}
