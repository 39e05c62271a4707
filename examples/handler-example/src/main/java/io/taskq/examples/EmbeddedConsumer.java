package io.taskq.examples;

import io.taskq.common.store.SlotFigures;
import io.taskq.consumer.ConsumerSettings;
import io.taskq.consumer.TaskConsumer;

import java.nio.file.Path;

/** Runs consumer K of a data directory with {@link SquareHandler} until the stream ends: {@code DATA_DIR K}. */
public final class EmbeddedConsumer {
    public static void main(String[] args) throws Exception {
        ConsumerSettings settings = ConsumerSettings.builder(Path.of(args[0]))
                .index(Integer.parseInt(args[1]))
                .batchSize(256)
                .build();
        try (TaskConsumer consumer = TaskConsumer.open(settings, new SquareHandler())) {
            consumer.run(true);
            SlotFigures slot = consumer.figures();
            System.out.println("slot " + consumer.index() + ": " + slot.done + " tasks, sum of values "
                    + slot.sumValue + ", sum of payloads " + slot.sumPayload);
        }
    }
}
