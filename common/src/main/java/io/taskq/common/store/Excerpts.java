package io.taskq.common.store;

/**
 * The task queue's excerpt format: Chronicle Wire events, written exactly as a method writer for
 * {@link io.taskq.common.TaskEvents} would write them, so Chronicle's own {@code ChronicleReaderMain} prints them as
 * text when run with {@code -r io.taskq.common.TaskEvents}:
 * <pre>
 * task: { seq: 0, createdNanos: 123, value: 0, payload: 0.0 }
 * endOfStream: { submitted: 1000000 }
 * </pre>
 * A task's fields travel as a compact binary DTO ({@link io.taskq.common.Task}); end of stream is a self-describing
 * marshallable. {@code seq} is dense and 0-based, assigned under the queue's write lock so that queue order is seq
 * order.
 */
public final class Excerpts {
    /** A task; the fields are written by {@link io.taskq.common.Task#writeMarshallable(net.openhft.chronicle.bytes.BytesOut)}. */
    public static final String TASK = "task";
    /** The control excerpt that ends the stream; field {@code submitted} is the final task count. */
    public static final String END_OF_STREAM = "endOfStream";
    public static final String SUBMITTED_FIELD = "submitted";

    private Excerpts() {
    }
}
