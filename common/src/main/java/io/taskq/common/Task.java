package io.taskq.common;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * One task as it travels through the queue: a dense sequence number, the producer's {@code System.nanoTime()}
 * at {@code put}, an int {@code value}, a double {@code payload} and an optional opaque {@code body}.
 * <p>
 * Instances are mutable and meant to be reused by one thread (one per producer, one per consumer), so the
 * hot path allocates nothing. Handlers must not keep a reference to a task, or to its body, after
 * {@link TaskHandler#handle} returns.
 * <p>
 * <b>Two forms.</b> In the queue a task is a compact binary DTO ({@link #writeMarshallable(BytesOut)}): 28 bytes
 * in a fixed layout, {@code seq} (int64), {@code createdNanos} (int64), {@code value} (int32), {@code payload}
 * (float64), then the body's bytes, if any, up to the end of the DTO. Writing and reading field names cost about a
 * third of a put and 40% of a consumer's per-task time. As text (Chronicle's reader with {@code -r
 * io.taskq.common.TaskEvents}, and {@link #toString()}-like dumps) it shows its fields by name,
 * {@link #writeMarshallable(WireOut)}.
 */
public final class Task implements Marshallable, BytesMarshallable {
    /** Bytes of the fixed part of the binary form, before the optional body. */
    public static final int FIXED_BYTES = 28;

    private long seq;
    private long createdNanos;
    private int value;
    private double payload;
    private final Bytes<?> body = Bytes.allocateElasticOnHeap(0);

    public long seq() {
        return seq;
    }

    public long createdNanos() {
        return createdNanos;
    }

    public int value() {
        return value;
    }

    public double payload() {
        return payload;
    }

    /** The body bytes, positioned for reading; empty when the task has no body. Valid until the next task. */
    public Bytes<?> body() {
        return body;
    }

    public boolean hasBody() {
        return body.readRemaining() > 0;
    }

    /** Sets the user-visible fields; the producer assigns {@code seq} and {@code createdNanos}. Clears the body. */
    public Task set(int value, double payload) {
        this.value = value;
        this.payload = payload;
        this.body.clear();
        return this;
    }

    /** Replaces the body with a copy of {@code bytes}. */
    public Task body(byte[] bytes) {
        body.clear();
        body.write(bytes);
        return this;
    }

    public Task seq(long seq) {
        this.seq = seq;
        return this;
    }

    public Task createdNanos(long createdNanos) {
        this.createdNanos = createdNanos;
        return this;
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
        if (body.readRemaining() > 0)
            out.write(body, body.readPosition(), body.readRemaining());
    }

    /** Reads the queue form; {@code in} ends where the DTO ends, so what follows the fixed part is the body. */
    @Override
    public void readMarshallable(BytesIn<?> in) {
        seq = in.readLong();
        createdNanos = in.readLong();
        value = in.readInt();
        payload = in.readDouble();
        body.clear();
        long rest = in.readRemaining();
        if (rest > 0) {
            if (in instanceof BytesStore<?, ?> store) {
                body.write(store, in.readPosition(), rest);
                in.readSkip(rest);
            } else {
                for (long i = 0; i < rest; i++)
                    body.writeByte(in.readByte());
            }
        }
    }

    /** The text form, with field names; what {@code taskq tail} prints. */
    @Override
    public void writeMarshallable(WireOut wire) {
        wire.write("seq").int64(seq)
                .write("createdNanos").int64(createdNanos)
                .write("value").int32(value)
                .write("payload").float64(payload);
        if (body.readRemaining() > 0)
            wire.write("body").bytes(body);
    }

    /** Reads the text form. */
    @Override
    public void readMarshallable(WireIn wire) {
        seq = wire.read("seq").int64();
        createdNanos = wire.read("createdNanos").int64();
        value = wire.read("value").int32();
        payload = wire.read("payload").float64();
        body.clear();
        if (wire.hasMore())
            wire.read("body").bytes(body);
    }

    @Override
    public String toString() {
        return "Task{seq=" + seq + ", value=" + value + ", payload=" + payload
                + (hasBody() ? ", body=" + body.readRemaining() + " bytes" : "") + '}';
    }
}
