package io.taskq.common.wire;

import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Many tasks in one excerpt of the task queue: what a batch put writes, and what a consumer copies out of the queue to
 * hand out its tasks one at a time. The tasks of a batch have dense seqs from {@link #firstSeq()} and one
 * {@code createdNanos}, stamped when the batch is put.
 * <p>
 * <b>Binary form</b> (the DTO of a {@code tasks} excerpt, native byte order): {@code firstSeq} int64 at +0,
 * {@code createdNanos} int64 at +8, {@code count} int32 at +16, then per task {@code value} int32, {@code payload}
 * float64, the body's length as a stop-bit number (1 byte below 128) and the body's bytes: 13 bytes for a task without
 * a body, against 43 for an excerpt of its own. As text (Chronicle's reader, {@code taskq tail}) it shows every task
 * with its seq.
 * <p>
 * Mutable and reused by one thread: the producer's batch, or one per consumer reader. Reading a task walks from the
 * previous one read, so reading a batch's tasks in seq order costs each task once.
 */
public final class QueuedBatch implements Marshallable, BytesMarshallable {
    /**
     * The most tasks one batch may hold. A producer killed inside a batch put leaves the ledger's {@code submitted}
     * up to this many seqs ahead of the queue (the next producer repairs it), so a ledger is checked with this slack.
     */
    public static final int MAX_TASKS = 1 << 16;
    /**
     * The most bytes a batch's tasks may take: Chronicle Queue writes no excerpt longer than 16 MiB (a quarter of its
     * 64 MiB block); 1 KiB is left for the excerpt's header and the fixed part.
     */
    public static final int MAX_TASK_BYTES = 16 * 1024 * 1024 - 1024;
    /** Bytes of the fixed part before the tasks. */
    public static final int FIXED_BYTES = 20;
    /** Bytes of a task in a batch besides its body and its body's length. */
    static final int TASK_FIXED_BYTES = 12;
    /** The most bytes a body's length takes as a stop-bit number (an int, seven bits a byte). */
    private static final int MAX_STOP_BIT_BYTES = 5;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private long firstSeq;
    private long createdNanos;
    private int count;
    /**
     * The tasks, encoded in {@code tasks[0..used)}; the array grows to the largest batch seen. A plain array with
     * view handles, not Chronicle Bytes: each Bytes write checks bounds, state and thread, which was most of a batched
     * put's time in profiles, and of a fresh JVM's first batches before those paths were compiled.
     */
    private byte[] tasks = new byte[256];
    private int used;
    /** The seq and the offset in {@link #tasks} of the next task a sequential read finds. */
    private long cursorSeq;
    private int cursorOffset;

    public long firstSeq() {
        return firstSeq;
    }

    /** The seq after the last task: {@code firstSeq + count}. */
    public long endSeq() {
        return firstSeq + count;
    }

    public long createdNanos() {
        return createdNanos;
    }

    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Bytes of the encoded tasks, without the fixed part. */
    public long taskBytes() {
        return used;
    }

    /** Sets the seq of the first task and the time of the put; the producer does so under the queue's write lock. */
    public QueuedBatch stamp(long firstSeq, long createdNanos) {
        this.firstSeq = firstSeq;
        this.createdNanos = createdNanos;
        return this;
    }

    /** Empties the batch. */
    public QueuedBatch clear() {
        count = 0;
        used = 0;
        rewind();
        return this;
    }

    /** Adds a task without a body. */
    public QueuedBatch add(int value, double payload) {
        int at = reserve(TASK_FIXED_BYTES + 1);
        putFixed(at, value, payload);
        tasks[at + TASK_FIXED_BYTES] = 0; // the body's length, 0, as a one-byte stop-bit number
        used = at + TASK_FIXED_BYTES + 1;
        count++;
        return this;
    }

    /** Adds a task whose body is {@code body[from..from+length)}, copied. */
    public QueuedBatch add(int value, double payload, byte[] body, int from, int length) {
        Objects.checkFromIndexSize(from, length, body.length);
        int at = reserve(TASK_FIXED_BYTES + MAX_STOP_BIT_BYTES + length);
        putFixed(at, value, payload);
        int bodyAt = putStopBit(at + TASK_FIXED_BYTES, length);
        System.arraycopy(body, from, tasks, bodyAt, length);
        used = bodyAt + length;
        count++;
        return this;
    }

    /** Adds a task whose body is {@code body}'s bytes from its position to its limit, which stay unchanged. */
    public QueuedBatch add(int value, double payload, ByteBuffer body) {
        int length = body.remaining();
        if (body.hasArray())
            return add(value, payload, body.array(), body.arrayOffset() + body.position(), length);
        int at = reserve(TASK_FIXED_BYTES + MAX_STOP_BIT_BYTES + length);
        putFixed(at, value, payload);
        int bodyAt = putStopBit(at + TASK_FIXED_BYTES, length);
        body.get(body.position(), tasks, bodyAt, length);
        used = bodyAt + length;
        count++;
        return this;
    }

    /**
     * Makes room for {@code bytes} more bytes and returns where they start. Growing doubles the array, so a batch
     * reused at one size allocates nothing once it has reached it.
     */
    private int reserve(long bytes) {
        long needed = used + bytes;
        if (needed > tasks.length) {
            if (needed > Integer.MAX_VALUE - 8)
                throw new IllegalStateException("a batch cannot grow beyond " + (Integer.MAX_VALUE - 8) + " bytes");
            tasks = Arrays.copyOf(tasks, (int) Math.min(Math.max(needed, 2L * tasks.length), Integer.MAX_VALUE - 8));
        }
        return used;
    }

    private void putFixed(int at, int value, double payload) {
        INT.set(tasks, at, value);
        LONG.set(tasks, at + 4, Double.doubleToRawLongBits(payload));
    }

    /**
     * Writes {@code n} (not negative) as Chronicle's stop-bit number at {@code at}: seven bits a byte, lowest first,
     * the top bit set on every byte but the last. Returns the offset after it.
     */
    private int putStopBit(int at, int n) {
        while ((n & ~0x7F) != 0) {
            tasks[at++] = (byte) (n & 0x7F | 0x80);
            n >>>= 7;
        }
        tasks[at++] = (byte) n;
        return at;
    }

    /** Whether the batch holds {@code seq}. */
    public boolean holds(long seq) {
        return seq >= firstSeq && seq < firstSeq + count;
    }

    /**
     * Reads task {@code seq} into {@code task}: its seq, the batch's createdNanos, value, payload and body.
     *
     * @throws IllegalArgumentException if the batch does not hold {@code seq}
     */
    public void read(long seq, QueuedTask task) {
        if (!holds(seq))
            throw new IllegalArgumentException("seq " + seq + " is not in the batch [" + firstSeq + ", " + endSeq()
                    + ")");
        if (seq < cursorSeq)
            rewind();
        int offset = cursorOffset;
        for (long s = cursorSeq; s < seq; s++)
            offset = skip(offset);
        int lengthAt = offset + TASK_FIXED_BYTES;
        int length = stopBitAt(lengthAt);
        int bodyAt = lengthAt + stopBitBytes(length);
        task.load(seq, createdNanos, (int) INT.get(tasks, offset),
                Double.longBitsToDouble((long) LONG.get(tasks, offset + 4)), tasks, bodyAt, length);
        cursorSeq = seq + 1;
        cursorOffset = bodyAt + length;
    }

    private void rewind() {
        cursorSeq = firstSeq;
        cursorOffset = 0;
    }

    /** The offset of the task after the one at {@code offset}. */
    private int skip(int offset) {
        int lengthAt = offset + TASK_FIXED_BYTES;
        int length = stopBitAt(lengthAt);
        return lengthAt + stopBitBytes(length) + length;
    }

    /** The stop-bit number at {@code at} (see {@link #putStopBit}); a body length, so at most five bytes. */
    private int stopBitAt(int at) {
        int b = tasks[at];
        if (b >= 0)
            return b;
        int n = b & 0x7F;
        for (int shift = 7; ; shift += 7) {
            b = tasks[++at];
            n |= (b & 0x7F) << shift;
            if (b >= 0)
                return n;
            if (shift >= 28)
                throw new IllegalStateException("a task's body length in a batch is not a stop-bit int at " + at);
        }
    }

    private static int stopBitBytes(int n) {
        return n < 1 << 7 ? 1 : n < 1 << 14 ? 2 : n < 1 << 21 ? 3 : n < 1 << 28 ? 4 : 5;
    }

    /** The queue form is binary (see the class comment); only text wires use the named form. */
    @Override
    public boolean usesSelfDescribingMessage() {
        return false;
    }

    @Override
    public void writeMarshallable(BytesOut<?> out) {
        out.writeLong(firstSeq);
        out.writeLong(createdNanos);
        out.writeInt(count);
        out.write(tasks, 0, used);
    }

    /** Reads the queue form; {@code in} ends where the DTO ends. */
    @Override
    public void readMarshallable(BytesIn<?> in) {
        firstSeq = in.readLong();
        createdNanos = in.readLong();
        count = in.readInt();
        long rest = in.readRemaining();
        if (rest > MAX_TASK_BYTES)
            throw new IllegalStateException("a batch excerpt holds " + rest + " bytes of tasks, more than "
                    + MAX_TASK_BYTES);
        used = 0;
        reserve(rest);
        if (rest > 0 && in.read(tasks, 0, (int) rest) != rest)
            throw new IllegalStateException("a batch excerpt ended before its " + rest + " bytes of tasks");
        used = (int) rest;
        rewind();
    }

    /**
     * The text form: the batch's fields and each task with its seq, as {@link QueuedTask} writes one. Not on the hot
     * path.
     */
    @Override
    public void writeMarshallable(WireOut wire) {
        writeText(wire, (task, out) -> task.writeMarshallable(out));
    }

    /** How one task of a batch is written as text. */
    public interface TaskText {
        void write(QueuedTask task, WireOut wire);
    }

    /** The text form with each task written by {@code text}; {@code taskq tail} shows bodies its own way. */
    public void writeText(WireOut wire, TaskText text) {
        wire.write("firstSeq").int64(firstSeq)
                .write("count").int32(count)
                .write("createdNanos").int64(createdNanos);
        QueuedTask task = new QueuedTask();
        wire.write("tasks").sequence(this, (batch, out) -> {
            for (long seq = batch.firstSeq; seq < batch.endSeq(); seq++) {
                batch.read(seq, task);
                out.marshallable(w -> text.write(task, w));
            }
        });
    }

    /** There is no text form to read back: batches are written only in the binary form. */
    @Override
    public void readMarshallable(WireIn wire) {
        throw new UnsupportedOperationException("a batch of tasks is read only from the queue's binary form");
    }

    /** Nothing to reset: reading a batch sets every field. */
    @Override
    public void reset() {
    }

    @Override
    public String toString() {
        return "Batch{firstSeq=" + firstSeq + ", count=" + count + '}';
    }
}
