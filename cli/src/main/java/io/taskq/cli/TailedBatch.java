package io.taskq.cli;

import io.taskq.common.wire.QueuedBatch;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * A batch of tasks as {@code taskq tail} shows it: read from the queue's binary form exactly as {@link QueuedBatch}
 * reads it, and written as text with each task shown as {@link TailedTask} shows one, its seq included:
 * <pre>
 * tasks: {
 *   firstSeq: 100,
 *   count: 2,
 *   createdNanos: 1433101356577,
 *   tasks: [
 *     { seq: 100, createdNanos: 1433101356577, value: 0, payload: 0.0, body: "first line" },
 *     { seq: 101, createdNanos: 1433101356577, value: 0, payload: 0.0, body: "second line" }
 *   ]
 * }
 * </pre>
 * Display only. Public because Chronicle's reader generates code against it ({@link TailEvents}).
 */
public final class TailedBatch implements Marshallable, BytesMarshallable {
    private final QueuedBatch batch = new QueuedBatch();

    /** The queue form is binary, as {@link QueuedBatch}'s. */
    @Override
    public boolean usesSelfDescribingMessage() {
        return false;
    }

    @Override
    public void readMarshallable(BytesIn<?> in) {
        batch.readMarshallable(in);
    }

    @Override
    public void writeMarshallable(BytesOut<?> out) {
        batch.writeMarshallable(out);
    }

    @Override
    public void writeMarshallable(WireOut wire) {
        batch.writeText(wire, TailedTask::write);
    }

    @Override
    public void readMarshallable(WireIn wire) {
        throw new UnsupportedOperationException("a batch as taskq tail prints it is not read back");
    }

    /** Nothing to reset: reading a batch sets every field. */
    @Override
    public void reset() {
    }

    @Override
    public String toString() {
        return batch.toString();
    }
}
