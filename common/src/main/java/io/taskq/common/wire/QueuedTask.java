package io.taskq.common.wire;

import io.taskq.common.Task;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A task as the queue holds it: the {@link Task} handlers see, plus its two Chronicle forms and the setters the
 * producer and the consumer use. Handlers only ever see it as a {@link Task}.
 * <p>
 * Instances are mutable and meant to be reused by one thread (one per producer, one per consumer), so the hot path
 * allocates nothing: the body lives in an array that grows to the largest body seen, and {@link #body()} is one
 * read-only buffer over it, made again only when the array grows.
 * <p>
 * <b>Two forms.</b> In the queue a task is a compact binary DTO ({@link #writeMarshallable(BytesOut)}): 28 bytes
 * in a fixed layout, {@code seq} (int64), {@code createdNanos} (int64), {@code value} (int32), {@code payload}
 * (float64), then the body's bytes, if any, up to the end of the DTO. Writing and reading field names cost about a
 * third of a put and 40% of a consumer's per-task time. As text (Chronicle's reader with {@code -r
 * io.taskq.common.wire.TaskEvents}, which is what {@code taskq tail} prints) it shows its fields by name,
 * {@link #writeMarshallable(WireOut)}.
 */
public final class QueuedTask implements Task, Marshallable, BytesMarshallable {
    /** Bytes of the fixed part of the binary form, before the optional body. */
    public static final int FIXED_BYTES = 28;

    private long seq;
    private long createdNanos;
    private int value;
    private double payload;
    private byte[] body = new byte[0];
    private int bodyLength;
    private ByteBuffer bodyView = ByteBuffer.wrap(body).asReadOnlyBuffer();
    /** Set by the consumer before each call; not part of either stored form. */
    private int attempt = 1;

    @Override
    public int attempt() {
        return attempt;
    }

    /** Sets the number {@link #attempt()} returns; the consumer does so before each handler call. */
    public void attempt(int attempt) {
        this.attempt = attempt;
    }

    @Override
    public long seq() {
        return seq;
    }

    @Override
    public long createdNanos() {
        return createdNanos;
    }

    @Override
    public int value() {
        return value;
    }

    @Override
    public double payload() {
        return payload;
    }

    @Override
    public boolean hasBody() {
        return bodyLength > 0;
    }

    /** The body's length in bytes, 0 when there is none. */
    public int bodyLength() {
        return bodyLength;
    }

    @Override
    public ByteBuffer body() {
        bodyView.clear().limit(bodyLength);
        return bodyView;
    }

    @Override
    public byte[] bodyBytes() {
        return Arrays.copyOf(body, bodyLength);
    }

    /** Sets the user-visible fields; the producer assigns {@code seq} and {@code createdNanos}. Clears the body. */
    public QueuedTask set(int value, double payload) {
        this.value = value;
        this.payload = payload;
        this.bodyLength = 0;
        return this;
    }

    /** Replaces the body with a copy of {@code bytes}. */
    public QueuedTask body(byte[] bytes) {
        ensureBodyCapacity(bytes.length);
        System.arraycopy(bytes, 0, body, 0, bytes.length);
        bodyLength = bytes.length;
        return this;
    }

    public QueuedTask seq(long seq) {
        this.seq = seq;
        return this;
    }

    /** Makes this task a copy of {@code other}: seq, createdNanos, value, payload and body. */
    public QueuedTask copyFrom(QueuedTask other) {
        seq = other.seq;
        createdNanos = other.createdNanos;
        value = other.value;
        payload = other.payload;
        ensureBodyCapacity(other.bodyLength);
        System.arraycopy(other.body, 0, body, 0, other.bodyLength);
        bodyLength = other.bodyLength;
        return this;
    }

    /**
     * Makes this task one of a batch: the given fields, and a body of {@code length} bytes copied from {@code src} at
     * {@code offset} ({@link QueuedBatch} decodes its tasks with this).
     */
    void load(long seq, long createdNanos, int value, double payload, byte[] src, int offset, int length) {
        this.seq = seq;
        this.createdNanos = createdNanos;
        this.value = value;
        this.payload = payload;
        ensureBodyCapacity(length);
        System.arraycopy(src, offset, body, 0, length);
        bodyLength = length;
    }

    public QueuedTask createdNanos(long createdNanos) {
        this.createdNanos = createdNanos;
        return this;
    }

    /** Grows the body's array (and its view) to hold {@code length} bytes; the only allocation, amortised. */
    private void ensureBodyCapacity(int length) {
        if (length <= body.length)
            return;
        // Doubling, so that bodies growing a little at a time do not allocate on every task.
        body = new byte[(int) Math.min(Math.max(length, 2L * body.length), Integer.MAX_VALUE - 8)];
        bodyView = ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /** The queue form is binary (see the class comment); only text wires use the named form. */
    @Override
    public boolean usesSelfDescribingMessage() {
        return false;
    }

    /** The queue form: the fixed 28 bytes, then the body. */
    @Override
    public void writeMarshallable(BytesOut<?> out) {
        out.writeLong(seq);
        out.writeLong(createdNanos);
        out.writeInt(value);
        out.writeDouble(payload);
        if (bodyLength > 0)
            out.write(body, 0, bodyLength);
    }

    /** Reads the queue form; {@code in} ends where the DTO ends, so what follows the fixed part is the body. */
    @Override
    public void readMarshallable(BytesIn<?> in) {
        seq = in.readLong();
        createdNanos = in.readLong();
        value = in.readInt();
        payload = in.readDouble();
        long rest = in.readRemaining();
        if (rest > Integer.MAX_VALUE - 8)
            throw new IllegalStateException("task " + seq + ": body of " + rest + " bytes is too large");
        int length = (int) rest;
        ensureBodyCapacity(length);
        if (length > 0)
            in.read(body, 0, length);
        bodyLength = length;
    }

    /** The text form, with field names; what {@code taskq tail} prints. Not on the hot path. */
    @Override
    public void writeMarshallable(WireOut wire) {
        wire.write("seq").int64(seq)
                .write("createdNanos").int64(createdNanos)
                .write("value").int32(value)
                .write("payload").float64(payload);
        if (bodyLength > 0)
            wire.write("body").bytes(Bytes.wrapForRead(bodyBytes()));
    }

    /** Reads the text form. Not on the hot path. */
    @Override
    public void readMarshallable(WireIn wire) {
        seq = wire.read("seq").int64();
        createdNanos = wire.read("createdNanos").int64();
        value = wire.read("value").int32();
        payload = wire.read("payload").float64();
        bodyLength = 0;
        if (wire.hasMore())
            body(wire.read("body").bytes());
    }

    @Override
    public String toString() {
        return "Task{seq=" + seq + ", value=" + value + ", payload=" + payload
                + (bodyLength > 0 ? ", body=" + bodyLength + " bytes" : "") + '}';
    }
}
