package io.taskq.common;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A task that belongs to no queue, made by {@link Task#of}. Immutable. */
final class StandaloneTask implements Task {
    private final long seq;
    private final long createdNanos;
    private final int value;
    private final double payload;
    private final byte[] body;

    StandaloneTask(long seq, long createdNanos, int value, double payload, byte[] body) {
        this.seq = seq;
        this.createdNanos = createdNanos;
        this.value = value;
        this.payload = payload;
        this.body = body;
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
        return body.length > 0;
    }

    @Override
    public ByteBuffer body() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    @Override
    public byte[] bodyBytes() {
        return Arrays.copyOf(body, body.length);
    }

    @Override
    public String toString() {
        return "Task{seq=" + seq + ", value=" + value + ", payload=" + payload
                + (body.length > 0 ? ", body=" + body.length + " bytes" : "") + '}';
    }
}
