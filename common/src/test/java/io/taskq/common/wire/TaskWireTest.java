package io.taskq.common.wire;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TaskWireTest {
    @Test
    void shouldRoundTripEveryFieldThroughBinaryWire() {
        Wire wire = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
        QueuedTask out = new QueuedTask().set(-42, 3.25).seq(7).createdNanos(123_456_789L);
        wire.writeEventName(Excerpts.TASK).marshallable(out);
        QueuedTask in = new QueuedTask();
        StringBuilder event = new StringBuilder();
        wire.readEventName(event).marshallable(in);
        assertEquals(Excerpts.TASK, event.toString());
        assertEquals(7, in.seq());
        assertEquals(123_456_789L, in.createdNanos());
        assertEquals(-42, in.value());
        assertEquals(3.25, in.payload());
        assertFalse(in.hasBody());
    }

    @Test
    void shouldCarryAnOptionalBodyAndClearItForTheNextTask() {
        Wire wire = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
        QueuedTask out = new QueuedTask().set(1, 1.0).body("hello".getBytes(StandardCharsets.UTF_8));
        wire.writeEventName(Excerpts.TASK).marshallable(out);
        wire.writeEventName(Excerpts.TASK).marshallable(out.set(2, 2.0));
        QueuedTask in = new QueuedTask();
        StringBuilder event = new StringBuilder();
        wire.readEventName(event).marshallable(in);
        assertEquals("hello", new String(in.bodyBytes(), StandardCharsets.UTF_8));
        wire.readEventName(event).marshallable(in);
        assertEquals(2, in.value());
        assertFalse(in.hasBody(), "a task without a body must not keep the previous task's body");
    }

    @Test
    void writeBatchShouldWriteTheSameBytesAsTheWireAndReadBackEveryTask() {
        byte[] body = "a body".getBytes(StandardCharsets.UTF_8);
        QueuedBatch batch = new QueuedBatch().add(1, 0.5).add(2, 1.5, body, 0, body.length)
                .add(3, 2.5, ByteBuffer.wrap(new byte[300]).position(10).limit(290)).add(4, 3.5)
                .stamp(100, 555);
        Wire viaWire = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
        viaWire.writeEventName(Excerpts.TASKS).marshallable(batch);
        Wire direct = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
        Excerpts.writeBatch(direct, batch);
        assertEquals(viaWire.bytes().toHexString(), direct.bytes().toHexString());

        QueuedBatch in = new QueuedBatch();
        StringBuilder event = new StringBuilder();
        direct.readEventName(event).marshallable(in);
        assertEquals(Excerpts.TASKS, event.toString());
        assertEquals(100, in.firstSeq());
        assertEquals(4, in.count());
        QueuedTask task = new QueuedTask();
        int[] bodies = {0, body.length, 280, 0};
        for (long seq = 103; seq >= 100; seq--) {
            in.read(seq, task);
            assertEquals(seq, task.seq());
            assertEquals(555, task.createdNanos());
            assertEquals((int) (seq - 99), task.value());
            assertEquals(seq - 100 + 0.5, task.payload());
            assertEquals(bodies[(int) (seq - 100)], task.bodyLength());
        }
        in.read(101, task);
        assertEquals("a body", new String(task.bodyBytes(), StandardCharsets.UTF_8));
    }

    /**
     * A batch encodes its tasks itself, in an array; the bytes must be what Chronicle's own writes give (the format
     * PROTOCOL.md states), body lengths as stop-bit numbers of one to four bytes included, and read back the same.
     */
    @Test
    void batchShouldEncodeTasksAsChronicleBytesWritesDo() {
        int[] lengths = {0, 1, 127, 128, 300, 16_383, 16_384, 2_097_151, 2_097_152, 0};
        QueuedBatch batch = new QueuedBatch();
        Bytes<?> expected = Bytes.allocateElasticOnHeap();
        expected.writeLong(7).writeLong(8).writeInt(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            byte[] body = new byte[lengths[i] + 2];
            for (int j = 0; j < body.length; j++)
                body[j] = (byte) (i * 31 + j);
            if (i % 2 == 0)
                batch.add(-i, i * 0.25, body, 1, lengths[i]);
            else
                batch.add(-i, i * 0.25, ByteBuffer.allocateDirect(body.length).put(body).position(1)
                        .limit(1 + lengths[i]));
            expected.writeInt(-i).writeDouble(i * 0.25).writeStopBit(lengths[i]).write(body, 1, lengths[i]);
        }
        Bytes<?> written = Bytes.allocateElasticOnHeap();
        batch.stamp(7, 8).writeMarshallable(written);
        assertEquals(expected.toHexString(), written.toHexString());

        QueuedBatch in = new QueuedBatch();
        in.readMarshallable(written);
        QueuedTask task = new QueuedTask();
        for (int i = lengths.length - 1; i >= 0; i -= 3) { // backwards and skipping: the cursor rewinds and walks
            in.read(7 + i, task);
            assertEquals(-i, task.value());
            assertEquals(i * 0.25, task.payload());
            assertEquals(lengths[i], task.bodyLength());
            if (lengths[i] > 0) {
                assertEquals((byte) (i * 31 + 1), task.body().get(0));
                assertEquals((byte) (i * 31 + lengths[i]), task.body().get(lengths[i] - 1));
            }
        }
    }

    @Test
    void writeTaskShouldWriteTheSameBytesAsTheWireWithAndWithoutABody() {
        for (QueuedTask t : new QueuedTask[]{new QueuedTask().set(-7, 0.25).seq(42).createdNanos(99),
                new QueuedTask().set(3, 1.5).seq(43).createdNanos(100)
                        .body("a body".getBytes(StandardCharsets.UTF_8))}) {
            Wire viaWire = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
            viaWire.writeEventName(Excerpts.TASK).marshallable(t);
            Wire direct = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
            Excerpts.writeTask(direct, t);
            assertEquals(viaWire.bytes().toHexString(), direct.bytes().toHexString(), t.toString());
            // Off-heap, as in the queue's mapped file: a task without a body is stored straight into memory.
            Wire offHeap = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticDirect(16));
            offHeap.bytes().writeInt(0x12345678);
            Excerpts.writeTask(offHeap, t);
            offHeap.bytes().writeInt(0x9abcdef0);
            assertEquals(4 + viaWire.bytes().writePosition() + 4, offHeap.bytes().writePosition(), t.toString());
            byte[] expected = viaWire.bytes().toByteArray();
            byte[] written = new byte[expected.length];
            offHeap.bytes().read(4, written, 0, written.length);
            assertArrayEquals(expected, written, t.toString());
            assertEquals(0x12345678, offHeap.bytes().readInt(0), "the bytes before are untouched");
            assertEquals(0x9abcdef0, offHeap.bytes().readInt(4 + expected.length), "the next write goes after it");
            offHeap.bytes().releaseLast();
        }
    }

    @Test
    void writeTaskFromABufferShouldWriteTheSameBytesAsFromTheTasksOwnBodyForEveryKindOfBuffer() {
        byte[] body = "a body from a buffer".getBytes(StandardCharsets.UTF_8);
        QueuedTask held = new QueuedTask().set(3, 1.5).seq(43).createdNanos(100).body(body);
        Wire expected = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
        Excerpts.writeTask(expected, held);

        byte[] padded = ("xx" + new String(body, StandardCharsets.UTF_8) + "yyy").getBytes(StandardCharsets.UTF_8);
        ByteBuffer direct = ByteBuffer.allocateDirect(padded.length).put(padded).clear();
        List<ByteBuffer> buffers = List.of(
                ByteBuffer.wrap(body),
                ByteBuffer.wrap(padded, 2, body.length),
                ByteBuffer.wrap(padded).position(2).slice().limit(body.length),
                ByteBuffer.wrap(body).asReadOnlyBuffer(),
                direct.duplicate().position(2).limit(2 + body.length),
                direct.duplicate().position(2).slice().limit(body.length),
                direct.duplicate().position(2).limit(2 + body.length).asReadOnlyBuffer());
        for (ByteBuffer buffer : buffers) {
            int position = buffer.position();
            int limit = buffer.limit();
            QueuedTask fixed = new QueuedTask().set(3, 1.5).seq(43).createdNanos(100);
            Wire wire = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
            Excerpts.writeTask(wire, fixed, buffer);
            assertEquals(expected.bytes().toHexString(), wire.bytes().toHexString(), buffer.toString());
            assertEquals(position, buffer.position(), () -> "position unchanged: " + buffer);
            assertEquals(limit, buffer.limit(), () -> "limit unchanged: " + buffer);
        }
    }

    @Test
    void writeTaskFromAnEmptyBufferShouldWriteATaskWithoutABody() {
        QueuedTask t = new QueuedTask().set(-7, 0.25).seq(42).createdNanos(99);
        Wire expected = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
        Excerpts.writeTask(expected, t);
        Wire wire = WireType.BINARY_LIGHT.apply(Bytes.allocateElasticOnHeap());
        Excerpts.writeTask(wire, t, ByteBuffer.allocateDirect(0));
        assertEquals(expected.bytes().toHexString(), wire.bytes().toHexString());
    }
}
