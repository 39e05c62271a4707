package io.taskq.common;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * One task as it travels through the queue: a dense sequence number, the producer's {@code System.nanoTime()}
 * at {@code put}, an int {@code value}, a double {@code payload} and an optional opaque {@code body}.
 * <p>
 * Instances are mutable and meant to be reused by one thread (one per producer, one per consumer), so the
 * hot path allocates nothing. Handlers must not keep a reference to a task, or to its body, after
 * {@link TaskHandler#handle} returns. The wire form carries field names, so Chronicle's own reader prints
 * each task as text.
 */
public final class Task implements Marshallable {
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

    @Override
    public void writeMarshallable(WireOut wire) {
        // Fixed widths: every task excerpt has the same layout, and Chronicle's reader prints plain numbers
        // (compact encodings would show as "!short 999").
        wire.write("seq").fixedInt64(seq)
                .write("createdNanos").fixedInt64(createdNanos)
                .write("value").fixedInt32(value)
                .write("payload").fixedFloat64(payload);
        if (body.readRemaining() > 0)
            wire.write("body").bytes(body);
    }

    /**
     * Reads the fields in the order {@link #writeMarshallable} writes them, without matching their names: this
     * order is part of the schema version. Name comparisons were the largest item in a profile of the consumer.
     */
    @Override
    public void readMarshallable(WireIn wire) {
        seq = wire.read().int64();
        createdNanos = wire.read().int64();
        value = wire.read().int32();
        payload = wire.read().float64();
        body.clear();
        if (wire.hasMore())
            wire.read().bytes(body);
    }

    @Override
    public String toString() {
        return "Task{seq=" + seq + ", value=" + value + ", payload=" + payload
                + (hasBody() ? ", body=" + body.readRemaining() + " bytes" : "") + '}';
    }
}
