package io.taskq.common.wire;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.UnsafeMemory;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * The task queue's excerpt format: Chronicle Wire events, written exactly as a method writer for {@link TaskEvents}
 * would write them, so Chronicle's own {@code ChronicleReaderMain} prints them as text when run with
 * {@code -r io.taskq.common.wire.TaskEvents}:
 * <pre>
 * task: { seq: 0, createdNanos: 123, value: 0, payload: 0.0 }
 * tasks: { firstSeq: 1, count: 2, createdNanos: 456, tasks: [ { seq: 1, ... }, { seq: 2, ... } ] }
 * endOfStream: { submitted: 1000000 }
 * </pre>
 * A task's fields travel as a compact binary DTO ({@link QueuedTask}), a batch put's tasks as one
 * ({@link QueuedBatch}); end of stream is a self-describing
 * marshallable. {@code seq} is dense and 0-based, assigned under the queue's write lock so that queue order is seq
 * order.
 */
public final class Excerpts {
    /** A task; the fields are written by {@link QueuedTask#writeMarshallable(net.openhft.chronicle.bytes.BytesOut)}. */
    public static final String TASK = "task";
    /** Many tasks with dense seqs; the fields are written by {@link QueuedBatch}. */
    public static final String TASKS = "tasks";
    /** The control excerpt that ends the stream; field {@code submitted} is the final task count. */
    public static final String END_OF_STREAM = "endOfStream";
    public static final String SUBMITTED_FIELD = "submitted";

    /**
     * Bytes of a task excerpt before its 4-byte DTO length: the event name and the length code, exactly as the queue's
     * wire writes them (worked out once from the wire itself, so a change in Chronicle's encoding cannot go unseen).
     */
    static final int TASK_PREFIX_BYTES;
    /** Those bytes, little-endian in the low bytes of a long. */
    static final long TASK_PREFIX;
    static final long TASK_PREFIX_MASK;

    /** Bytes of a task excerpt without a body, after Chronicle's 4-byte document header. */
    static final int TASK_RECORD_BYTES;
    /** The same for a batch excerpt ({@link #TASKS}). */
    static final int TASKS_PREFIX_BYTES;
    static final long TASKS_PREFIX;
    static final long TASKS_PREFIX_MASK;

    static {
        Bytes<?> batch = Bytes.allocateElasticOnHeap(64);
        WireType.BINARY_LIGHT.apply(batch).writeEventName(TASKS).marshallable(new QueuedBatch());
        TASKS_PREFIX_BYTES = (int) (batch.writePosition() - QueuedBatch.FIXED_BYTES - 4);
        if (TASKS_PREFIX_BYTES < 1 || TASKS_PREFIX_BYTES > 8
                || batch.readInt(TASKS_PREFIX_BYTES) != QueuedBatch.FIXED_BYTES)
            throw new AssertionError("unexpected wire form of a batch of tasks: " + batch.toHexString());
        TASKS_PREFIX_MASK = TASKS_PREFIX_BYTES == 8 ? -1L : (1L << (8 * TASKS_PREFIX_BYTES)) - 1;
        TASKS_PREFIX = batch.readLong(0) & TASKS_PREFIX_MASK;

        Bytes<?> scratch = Bytes.allocateElasticOnHeap(64);
        WireType.BINARY_LIGHT.apply(scratch).writeEventName(TASK).marshallable(new QueuedTask());
        TASK_PREFIX_BYTES = (int) (scratch.writePosition() - QueuedTask.FIXED_BYTES - 4);
        if (TASK_PREFIX_BYTES < 1 || TASK_PREFIX_BYTES > 8
                || scratch.readInt(TASK_PREFIX_BYTES) != QueuedTask.FIXED_BYTES)
            throw new AssertionError("unexpected wire form of a task: " + scratch.toHexString());
        TASK_PREFIX_MASK = TASK_PREFIX_BYTES == 8 ? -1L : (1L << (8 * TASK_PREFIX_BYTES)) - 1;
        TASK_PREFIX = scratch.readLong(0) & TASK_PREFIX_MASK;
        TASK_RECORD_BYTES = TASK_PREFIX_BYTES + 4 + QueuedTask.FIXED_BYTES;
    }

    /**
     * Writes a task excerpt into an open document: the same bytes as
     * {@code wire.writeEventName(TASK).marshallable(task)} (a test holds them equal), without going through the wire's
     * event-name and length bookkeeping on every put.
     */
    public static void writeTask(Wire wire, QueuedTask task) {
        Bytes<?> bytes = wire.bytes();
        if (task.bodyLength() == 0 && bytes.isDirectMemory()) {
            writeBodilessTask(bytes, task);
            return;
        }
        writeHeader(bytes, task.bodyLength());
        task.writeMarshallable(bytes);
    }

    /**
     * A task without a body straight into the excerpt's memory: one bounds check and five stores, where writing field
     * by field costs eleven checked writes (each of Chronicle's mapped writes checks the bytes are open and used by one
     * thread; that was about a third of a put's time in profiles). The memory is contiguous from the excerpt's header
     * on: Chronicle maps each chunk with an overlap larger than any excerpt.
     */
    private static void writeBodilessTask(Bytes<?> bytes, QueuedTask task) {
        long at = bytes.writePosition();
        bytes.writeSkip(TASK_RECORD_BYTES);
        long address = bytes.addressForWrite(at);
        // The prefix is at most 8 bytes (checked when the class loads); the length's int then overwrites the rest.
        UnsafeMemory.unsafePutLong(address, TASK_PREFIX);
        UnsafeMemory.unsafePutInt(address + TASK_PREFIX_BYTES, QueuedTask.FIXED_BYTES);
        long dto = address + TASK_PREFIX_BYTES + 4;
        UnsafeMemory.unsafePutLong(dto, task.seq());
        UnsafeMemory.unsafePutLong(dto + 8, task.createdNanos());
        UnsafeMemory.unsafePutInt(dto + 16, task.value());
        UnsafeMemory.unsafePutLong(dto + 20, Double.doubleToRawLongBits(task.payload()));
    }

    /**
     * Writes a task excerpt whose body is {@code body}'s bytes from its position to its limit, after any body
     * {@code task} holds itself (usually none): the same bytes as {@link #writeTask(Wire, QueuedTask)} writes for a
     * task holding that body, without first copying it into {@code task}. The bytes go straight from {@code body} to
     * the wire: one memory copy for a direct buffer, one array copy for a heap buffer, byte by byte only for a
     * read-only heap buffer (whose array is hidden). {@code body}'s position, limit and mark are unchanged on return.
     */
    public static void writeTask(Wire wire, QueuedTask task, ByteBuffer body) {
        Bytes<?> bytes = wire.bytes();
        int length = body.remaining();
        writeHeader(bytes, task.bodyLength() + length);
        task.writeMarshallable(bytes);
        int from = body.position();
        if (body.hasArray()) {
            bytes.write(body.array(), body.arrayOffset() + from, length);
        } else if (body.isDirect()) {
            // Chronicle copies a direct buffer from its address; its heap-buffer path ignores arrayOffset, hence the
            // branch above.
            try {
                bytes.writeSome(body);
                if (body.hasRemaining())
                    throw new BufferOverflowException();
            } finally {
                body.position(from);
            }
        } else {
            for (int i = from, end = from + length; i < end; i++)
                bytes.writeByte(body.get(i));
        }
    }

    /**
     * Writes a batch excerpt into an open document: the same bytes as
     * {@code wire.writeEventName(TASKS).marshallable(batch)} (a test holds them equal).
     */
    public static void writeBatch(Wire wire, QueuedBatch batch) {
        Bytes<?> bytes = wire.bytes();
        long dtoBytes = QueuedBatch.FIXED_BYTES + batch.taskBytes();
        if (dtoBytes > Integer.MAX_VALUE)
            throw new IllegalArgumentException("a batch of " + dtoBytes + " bytes is too large for one excerpt");
        writePrefix(bytes, TASKS_PREFIX, TASKS_PREFIX_BYTES);
        bytes.writeInt((int) dtoBytes);
        batch.writeMarshallable(bytes);
    }

    /** The event name, its length code and the DTO's length, for a task with {@code bodyLength} bytes of body. */
    private static void writeHeader(Bytes<?> bytes, int bodyLength) {
        writePrefix(bytes, TASK_PREFIX, TASK_PREFIX_BYTES);
        bytes.writeInt(QueuedTask.FIXED_BYTES + bodyLength);
    }

    private static void writePrefix(Bytes<?> bytes, long prefix, int length) {
        for (int i = 0; i < length; i++, prefix >>>= 8)
            bytes.writeByte((byte) prefix);
    }

    private Excerpts() {
    }
}
