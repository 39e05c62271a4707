package io.taskq.producer;

import io.taskq.common.StreamSealedException;
import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.store.DataDirectory;
import io.taskq.common.wire.ExcerptReader;
import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The body-carrying puts through a real queue: {@code put(byte[])}, {@code put(ByteBuffer)} and their value and
 * payload forms write the body's bytes exactly, return dense seqs, leave the buffer as it was, and refuse a body that
 * is too long, a sealed stream and a full disk like {@code put(value, payload)}, without writing anything.
 */
class TaskBodyTest {
    private static final byte[] HELLO = "hello, body".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void shouldWriteEachBodyExactlyWithDenseSeqsWhateverTheKindOfBuffer() {
        byte[] padded = "[[hello, body]]".getBytes(StandardCharsets.UTF_8);
        ByteBuffer direct = ByteBuffer.allocateDirect(padded.length).put(padded).clear();
        List<ByteBuffer> buffers = List.of(
                ByteBuffer.wrap(padded, 2, HELLO.length),
                ByteBuffer.wrap(padded).position(2).slice().limit(HELLO.length),
                ByteBuffer.wrap(HELLO).asReadOnlyBuffer(),
                direct.duplicate().position(2).limit(2 + HELLO.length),
                direct.duplicate().position(2).limit(2 + HELLO.length).asReadOnlyBuffer());
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            assertEquals(0, producer.put(HELLO));
            assertEquals(1, producer.put(7, 2.5, HELLO));
            long seq = 2;
            for (ByteBuffer buffer : buffers) {
                int position = buffer.position();
                assertEquals(seq++, producer.put(buffer), buffer::toString);
                assertEquals(position, buffer.position(), () -> "position unchanged: " + buffer);
                assertEquals(position + HELLO.length, buffer.limit(), () -> "limit unchanged: " + buffer);
            }
            assertEquals(seq, producer.put(-3, -0.5, buffers.get(0)), "the same buffer can be put again");
            assertEquals(seq + 1, producer.put(ByteBuffer.allocate(0)));
            assertEquals(seq + 2, producer.put(new byte[0]));

            List<QueuedTask> tasks = readAll(producer.data());
            assertEquals(seq + 3, tasks.size());
            for (QueuedTask t : tasks.subList(0, (int) seq + 1))
                assertArrayEquals(HELLO, t.bodyBytes(), t::toString);
            assertEquals(0, tasks.get(0).value());
            assertEquals(0.0, tasks.get(0).payload());
            assertEquals(7, tasks.get(1).value());
            assertEquals(2.5, tasks.get(1).payload());
            assertEquals(0, tasks.get(2).value(), "put(ByteBuffer) sets value 0");
            assertEquals(0.0, tasks.get(2).payload(), "put(ByteBuffer) sets payload 0");
            assertEquals(-3, tasks.get((int) seq).value());
            assertEquals(-0.5, tasks.get((int) seq).payload());
            assertFalse(tasks.get((int) seq + 1).hasBody(), "an empty buffer is a task without a body");
            assertFalse(tasks.get((int) seq + 2).hasBody(), "an empty array is a task without a body");
        }
    }

    @Test
    @Timeout(60)
    void shouldTakeABodyOfExactlyTheLimitAndRefuseOneByteMoreWithoutWritingIt() {
        int max = 64;
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).maxBodyBytes(max).build())) {
            assertEquals(0, producer.put(ByteBuffer.allocateDirect(max)));
            assertEquals(1, producer.put(new byte[max]));
            ByteBuffer tooLong = ByteBuffer.allocate(max + 10).position(9);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> producer.put(tooLong));
            assertEquals("task body of 65 bytes exceeds queue.max-body-bytes=64", e.getMessage());
            assertEquals(9, tooLong.position(), "position unchanged");
            assertThrows(IllegalArgumentException.class, () -> producer.put(new byte[max + 1]));
            assertEquals(2, producer.submitted(), "the refused bodies took no seq");
            assertEquals(2, readAll(producer.data()).size());
        }
    }

    @Test
    @Timeout(120)
    void shouldWriteTheLargestBodyTheConfigurationAllowsWhole() {
        int largest = Keys.LARGEST_BODY_BYTES;
        byte[] array = new byte[largest];
        for (int i = 0; i < largest; i++)
            array[i] = (byte) (i * 31 + 7);
        ByteBuffer direct = ByteBuffer.allocateDirect(largest).put(array).flip();
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).maxBodyBytes(largest).build())) {
            assertEquals(0, producer.put(array));
            assertEquals(1, producer.put(direct));
            List<QueuedTask> tasks = readAll(producer.data());
            assertEquals(2, tasks.size());
            for (QueuedTask t : tasks)
                assertArrayEquals(array, t.bodyBytes(), t::toString);
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseABodyIntoASealedStreamWithoutWritingIt() {
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            producer.put(HELLO);
            assertEquals(1, producer.seal());
            ByteBuffer body = ByteBuffer.wrap(HELLO);
            assertThrows(StreamSealedException.class, () -> producer.put(body));
            assertThrows(StreamSealedException.class, () -> producer.put(HELLO));
            assertEquals(0, body.position());
            assertEquals(1, producer.submitted());
            assertEquals(1, readAll(producer.data()).size());
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseABodyOnAFullDiskWithExitCode4WithoutWritingIt() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        ProducerSettings tooGreedy = ProducerSettings.builder(dir).minFreeBytes(free + (1L << 40)).build();
        try (TaskProducer producer = TaskProducer.open(tooGreedy)) {
            ByteBuffer body = ByteBuffer.allocateDirect(16);
            TaskQException e = assertThrows(TaskQException.class, () -> producer.put(body));
            assertEquals(TaskQException.EXIT_NO_SPACE, e.exitCode(), e.getMessage());
            assertTrue(e.getMessage().contains("queue.min-free-bytes"), e.getMessage());
            assertEquals(0, body.position());
            TaskQException again = assertThrows(TaskQException.class, () -> producer.put(HELLO));
            assertEquals(TaskQException.EXIT_NO_SPACE, again.exitCode(), again.getMessage());
            assertEquals(0, producer.submitted(), "the refused tasks took no seq");
        }
    }

    /** Every task in the queue, in order (copies). */
    private static List<QueuedTask> readAll(DataDirectory data) {
        List<QueuedTask> tasks = new ArrayList<>();
        ExcerptReader reader = new ExcerptReader();
        QueuedTask task = new QueuedTask();
        try (ExcerptTailer tailer = data.queue().createTailer()) {
            for (; ; ) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent())
                        break;
                    if (reader.read(dc, task) == ExcerptReader.Kind.TASK) {
                        assertEquals(tasks.size(), task.seq(), "seqs are dense and in queue order");
                        tasks.add(new QueuedTask().copyFrom(task));
                    }
                }
            }
        }
        return tasks;
    }
}
