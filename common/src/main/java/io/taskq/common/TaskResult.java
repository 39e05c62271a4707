package io.taskq.common;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a handler reports for one task: an integer result and a floating-point result, which the consumer adds
 * to its slot's {@code sumValue} and {@code sumPayload} in the same atomic update that marks the task done, and an
 * optional result body (bytes), which goes with them into the task's record in the results log ({@code taskq
 * results}).
 * <p>
 * One instance is reused per consumer thread, and cleared ({@link #reset()}) before every call: a handler sets what it
 * reports on every call. Setting a body copies it into a buffer the instance keeps, so the hot path allocates nothing
 * once the buffer has grown to the largest body.
 */
public final class TaskResult {
    private final int maxBodyBytes;
    private long value;
    private double payload;
    private byte[] body = new byte[0];
    private int bodyLength;

    /** A result whose body may be up to 1 MiB. */
    public TaskResult() {
        this(1 << 20);
    }

    /** A result whose body may be up to {@code maxBodyBytes} ({@code queue.max-body-bytes} in a consumer). */
    public TaskResult(int maxBodyBytes) {
        if (maxBodyBytes < 0)
            throw new IllegalArgumentException("maxBodyBytes " + maxBodyBytes + " < 0");
        this.maxBodyBytes = maxBodyBytes;
    }

    public TaskResult set(long value, double payload) {
        this.value = value;
        this.payload = payload;
        return this;
    }

    public long value() {
        return value;
    }

    public double payload() {
        return payload;
    }

    /**
     * Sets the result body to a copy of {@code bytes}.
     *
     * @throws IllegalArgumentException if it is longer than the limit ({@code queue.max-body-bytes}); the call then
     *                                  fails like any handler exception
     */
    public TaskResult body(byte[] bytes) {
        return body(bytes, 0, bytes.length);
    }

    /** Sets the result body to a copy of {@code bytes[offset, offset + length)}; see {@link #body(byte[])}. */
    public TaskResult body(byte[] bytes, int offset, int length) {
        room(length);
        System.arraycopy(bytes, offset, body, 0, length);
        bodyLength = length;
        return this;
    }

    /** Sets the result body to a copy of {@code buffer}'s remaining bytes, leaving its position unchanged. */
    public TaskResult body(ByteBuffer buffer) {
        int length = buffer.remaining();
        room(length);
        buffer.duplicate().get(body, 0, length);
        bodyLength = length;
        return this;
    }

    /** Sets the result body to {@code text} in UTF-8. */
    public TaskResult body(CharSequence text) {
        return body(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void room(int length) {
        if (length > maxBodyBytes)
            throw new IllegalArgumentException("result body of " + length + " bytes exceeds queue.max-body-bytes="
                    + maxBodyBytes);
        if (body.length < length)
            body = Arrays.copyOf(body, Math.max(length, Math.min(maxBodyBytes, 2 * body.length)));
    }

    /** The result body's length in bytes, 0 if the handler set none. */
    public int bodyLength() {
        return bodyLength;
    }

    /**
     * The buffer holding the result body in {@code [0, bodyLength())}: not a copy, valid until the next call. For the
     * consumer, which records it.
     */
    public byte[] bodyBuffer() {
        return body;
    }

    /** A copy of the result body (empty if none). */
    public byte[] bodyBytes() {
        return Arrays.copyOf(body, bodyLength);
    }

    /** Clears the value, the payload and the body; the consumer calls it before each handler call. */
    public TaskResult reset() {
        value = 0;
        payload = 0;
        bodyLength = 0;
        return this;
    }
}
