package io.taskq.systemtest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka client is on the classpath bin/taskq builds, with TaskQ's one logging binding; the broker, with its Scala
 * and log4j, is only in the development broker's own folder, which no TaskQ process has on its classpath.
 */
class KafkaClasspathTest {
    private static List<String> jars(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
    }

    @Test
    void shouldKeepTheBrokerOffTheCommandsClasspathAndOneLoggingBindingOnIt() throws IOException {
        List<String> cli = jars(Taskq.PROJECT_ROOT.resolve("cli/target/lib"));
        assertTrue(cli.stream().anyMatch(n -> n.startsWith("kafka-clients-")), () -> "the Kafka client: " + cli);
        assertTrue(cli.stream().noneMatch(n -> n.startsWith("kafka_") || n.startsWith("scala-")
                || n.startsWith("log4j-") || n.startsWith("slf4j-simple") || n.startsWith("slf4j-reload4j")),
                () -> "no broker, Scala or second logging binding: " + cli);
        assertEquals(1, cli.stream().filter(n -> n.startsWith("slf4j-api-2.")).count(), () -> "slf4j 2: " + cli);
        assertEquals(1, cli.stream().filter(n -> n.startsWith("logback-classic-")).count(), cli::toString);

        List<String> broker = jars(Taskq.PROJECT_ROOT.resolve("kafka-broker/target/lib"));
        assertTrue(broker.stream().anyMatch(n -> n.startsWith("kafka_2.13-")), broker::toString);
        assertTrue(broker.stream().anyMatch(n -> n.startsWith("log4j-slf4j-impl-")), broker::toString);
        assertTrue(broker.stream().noneMatch(n -> n.startsWith("logback-") || n.startsWith("taskq-")),
                () -> "the broker's folder holds the broker only: " + broker);
    }
}
