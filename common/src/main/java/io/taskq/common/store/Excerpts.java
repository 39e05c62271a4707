package io.taskq.common.store;

/**
 * The task queue's excerpt format. Every excerpt is one Chronicle Wire event with field names, so Chronicle's own
 * {@code ChronicleReaderMain} prints it as text:
 * <pre>
 * task: { seq: 0, createdNanos: 123, value: 0, payload: 0.0 }
 * endOfStream: { submitted: 1000000 }
 * </pre>
 * {@code seq} is dense and 0-based, assigned under the queue's write lock so that queue order is seq order.
 */
public final class Excerpts {
    /** A task; the fields are written by {@link io.taskq.common.Task#writeMarshallable}. */
    public static final String TASK = "task";
    /** The control excerpt that ends the stream; field {@code submitted} is the final task count. */
    public static final String END_OF_STREAM = "endOfStream";
    public static final String SUBMITTED_FIELD = "submitted";

    private Excerpts() {
    }
}
