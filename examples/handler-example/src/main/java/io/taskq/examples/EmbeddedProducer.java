package io.taskq.examples;

import io.taskq.producer.ProducerSettings;
import io.taskq.producer.TaskProducer;

import java.nio.file.Path;
import java.time.Duration;

/** Puts N tasks into a data directory, ends the stream and waits until they are done: {@code DATA_DIR N}. */
public final class EmbeddedProducer {
    public static void main(String[] args) {
        ProducerSettings settings = ProducerSettings.builder(Path.of(args[0])).build();
        int count = Integer.parseInt(args[1]);
        try (TaskProducer producer = TaskProducer.open(settings)) {
            for (int i = 0; i < count; i++)
                producer.put(i, i * 0.5);
            long sealed = producer.seal();
            boolean done = producer.joinAll(Duration.ofMinutes(1));
            System.out.println("sealed at " + sealed + " tasks; " + (done ? "all done" : "timed out waiting"));
        }
    }
}
