package io.taskq.producer;

import io.taskq.common.store.DataDirectory;
import io.taskq.common.wire.TaskEvents;
import net.openhft.chronicle.queue.reader.ChronicleReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code taskq tail} shows: Chronicle's own reader, as a method reader of {@link TaskEvents}, prints each excerpt
 * as text with field names, although tasks are binary DTOs in the queue.
 */
class QueueTextFormatTest {
    @TempDir
    Path dir;

    @Test
    void chronicleReaderShouldPrintTasksAndEndOfStreamWithFieldNames() {
        try (TaskProducer producer = TaskProducer.open(ProducerSettings.builder(dir).build())) {
            producer.put(5, 2.5);
            producer.put(999, 499.5);
            producer.seal();
        }
        StringBuilder out = new StringBuilder();
        new ChronicleReader().withBasePath(dir.resolve(DataDirectory.TASKS))
                .withMessageSink(m -> out.append(m).append('\n'))
                .asMethodReader(TaskEvents.class.getName()).withReadOnly(false).execute();
        String text = out.toString();
        for (String expected : new String[]{"task: {", "seq: 0,", "value: 5,", "payload: 2.5", "seq: 1,", "value: 999,",
                "createdNanos: ", "endOfStream: {", "submitted: 2"})
            assertTrue(text.contains(expected), () -> "'" + expected + "' missing in:\n" + text);
        assertTrue(!text.contains("!short") && !text.contains("!int"), () -> "numbers carry type tags:\n" + text);
    }
}
