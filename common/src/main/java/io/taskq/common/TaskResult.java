package io.taskq.common;

/**
 * What a handler reports for one task: an integer result and a floating-point result, which the consumer adds
 * to its slot's {@code sumValue} and {@code sumPayload} in the same atomic update that marks the task done.
 * <p>
 * One instance is reused per consumer thread; a handler sets it on every call.
 */
public final class TaskResult {
    private long value;
    private double payload;

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
}
