package io.taskq.cli;

import io.taskq.common.wire.QueuedTask;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesMarshallable;
import net.openhft.chronicle.bytes.BytesOut;
import net.openhft.chronicle.wire.Marshallable;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

import java.nio.charset.StandardCharsets;

/**
 * A task as {@code taskq tail} shows it: read from the queue's binary form exactly as {@link QueuedTask} reads it,
 * written as text with the same fields, and a body that is valid UTF-8 as a double-quoted string with its control
 * characters escaped ({@link BodyText#quoted}), any other body as {@code !hex "00 ff ..."}:
 * <pre>
 * task: {
 *   seq: 3,
 *   createdNanos: 1433101356577,
 *   value: 0,
 *   payload: 0.0,
 *   body: "héllo\twörld"
 * }
 * </pre>
 * A task without a body (or with an empty one) has no {@code body} field. The string's characters go out as UTF-8
 * bytes, which {@link TailReader} prints unchanged. Display only: there is no text form to read back. Public because
 * Chronicle's reader generates code against it ({@link TailEvents}).
 */
public final class TailedTask implements Marshallable, BytesMarshallable {
    private final QueuedTask task = new QueuedTask();

    /** The queue form is binary, as {@link QueuedTask}'s. */
    @Override
    public boolean usesSelfDescribingMessage() {
        return false;
    }

    @Override
    public void readMarshallable(BytesIn<?> in) {
        task.readMarshallable(in);
    }

    @Override
    public void writeMarshallable(BytesOut<?> out) {
        task.writeMarshallable(out);
    }

    @Override
    public void writeMarshallable(WireOut wire) {
        write(task, wire);
    }

    /** Writes {@code task} as text, as this class shows a task; {@link TailedBatch} shows each of its tasks so. */
    static void write(QueuedTask task, WireOut wire) {
        wire.write("seq").int64(task.seq())
                .write("createdNanos").int64(task.createdNanos())
                .write("value").int32(task.value())
                .write("payload").float64(task.payload());
        if (!task.hasBody())
            return;
        byte[] body = task.bodyBytes();
        if (BodyText.isText(body))
            wire.write("body").rawBytes(BodyText.quoted(new String(body, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
        else
            wire.write("body").typePrefix("hex").text(BodyText.hex(body));
    }

    @Override
    public void readMarshallable(WireIn wire) {
        throw new UnsupportedOperationException("a task as taskq tail prints it is not read back");
    }

    /** Nothing to reset: reading a task sets every field. */
    @Override
    public void reset() {
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
