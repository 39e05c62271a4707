package io.taskq.kafka;

import io.taskq.common.TaskQException;
import io.taskq.common.config.TaskQConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaSettingsTest {
    @TempDir
    Path dir;

    private TaskQConfig config(String yaml) throws IOException {
        return TaskQConfig.load(Files.writeString(dir.resolve("taskq.yaml"), yaml), Map.of(), Map.of());
    }

    @Test
    void shouldGiveEachClientOnlyTheClientPropertiesItKnows() throws IOException {
        KafkaSettings s = KafkaSettings.from(config("kafka:\n  bootstrap: k1:9092\n  client:\n    linger.ms: 20\n"
                + "    session.timeout.ms: 7000\n    client.id: host-a\n"));
        Properties producer = s.transactionalProducer("taskq-bridge-h1", Duration.ofSeconds(10));
        assertEquals("20", producer.get("linger.ms"));
        assertFalse(producer.containsKey("session.timeout.ms"));
        assertEquals("taskq-bridge-h1", producer.get("transactional.id"));
        assertEquals(10_000, producer.get("transaction.timeout.ms"));
        assertEquals(true, producer.get("enable.idempotence"));
        Properties consumer = s.consumer("g");
        assertEquals("7000", consumer.get("session.timeout.ms"));
        assertFalse(consumer.containsKey("linger.ms"));
        assertEquals("read_committed", consumer.get("isolation.level"));
        assertEquals(false, consumer.get("enable.auto.commit"));
        assertEquals("g", consumer.get("group.id"));
        assertEquals("host-a", s.admin().get("client.id"));
        assertEquals("k1:9092", s.admin().get("bootstrap.servers"));
    }

    @Test
    void shouldRefuseAnUnknownClientPropertyAndOneTaskQSetsItself() throws IOException {
        TaskQException unknown = assertThrows(TaskQException.class,
                () -> KafkaSettings.from(config("kafka:\n  client:\n    linger.msec: 20\n")));
        assertEquals(TaskQException.EXIT_USAGE, unknown.exitCode());
        assertTrue(unknown.getMessage().startsWith("kafka.client.linger.msec in " + dir.resolve("taskq.yaml")
                + ": not a Kafka client property"), unknown.getMessage());
        TaskQException reserved = assertThrows(TaskQException.class,
                () -> KafkaSettings.from(config("kafka:\n  client:\n    isolation.level: read_uncommitted\n")));
        assertTrue(reserved.getMessage().contains("TaskQ sets isolation.level itself"), reserved.getMessage());
        TaskQException bootstrap = assertThrows(TaskQException.class,
                () -> KafkaSettings.from(config("kafka:\n  client:\n    bootstrap.servers: x:1\n")));
        assertTrue(bootstrap.getMessage().contains("use kafka.bootstrap"), bootstrap.getMessage());
    }

    @Test
    void aBridgeShouldRefuseConsumersThatRecordNoOutcomes() throws IOException {
        TaskQException e = assertThrows(TaskQException.class,
                () -> BridgeSettings.from(config("consumer:\n  results: \"off\"\n")));
        assertTrue(e.getMessage().startsWith("consumer.results=off"), e.getMessage());
    }
}
