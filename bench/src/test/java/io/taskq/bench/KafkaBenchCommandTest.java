package io.taskq.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code taskq bench kafka --quick --json} end to end: a real development broker, a bridge and two consumers,
 * and the kafka-loop baseline as separate JVMs. It checks that both runs verified (the command exits 0 only then) and
 * that the JSON holds the keys scripts rely on, read as plain JSON; it never judges speed. It needs the broker's jars
 * (kafka-broker/target/lib, built by the package phase) and takes a minute or two, so the default build leaves it out
 * (tag {@value BenchCommandTest#TAG}); CI runs it in its Kafka step.
 */
@Tag(BenchCommandTest.TAG)
class KafkaBenchCommandTest {
    @BeforeAll
    static void asBinTaskqWould() {
        BenchCommandTest.asBinTaskqWould();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void quickRunThroughKafkaVerifiesBothPathsAndPrintsTheDocumentedJsonKeys(@TempDir Path results)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[]{"kafka", "--quick", "--json", "--results", results.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, stderr);

        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals("kafka", json.path("workloads").textValue());
        assertTrue(json.path("quick").booleanValue());
        assertEquals(1, json.path("runs").intValue());
        for (JsonNode entry : new JsonNode[]{json.path("kafka"), json.path("baselines").path("kafka-loop")}) {
            assertEquals(BenchMain.KAFKA_QUICK_COUNT, entry.path("count").longValue(), entry.toString());
            assertEquals(KafkaBench.PARTITIONS, entry.path("partitions").intValue());
            assertTrue(entry.path("tasksPerSec").path("median").doubleValue() > 0, entry.toString());
            assertEquals(1, entry.path("elapsedMillis").size());
            assertFalse(entry.path("clock").textValue().isEmpty());
        }
        assertEquals(KafkaBench.CONSUMERS, json.path("kafka").path("consumers").intValue());
        JsonNode ratio = json.path("ratios").path("kafkaOverKafkaLoop");
        assertTrue(ratio.path("value").doubleValue() > 0, ratio.toString());
        assertEquals(">= 0.80", ratio.path("target").textValue());
        assertTrue(ratio.path("met").isBoolean());
        assertTrue(json.path("machine").path("loadAverageAtStart").isNumber());
        assertTrue(json.path("machine").path("loadAverageAtEnd").isNumber());
        assertTrue(Files.readString(results.resolve("kafka-latest.txt"), StandardCharsets.UTF_8)
                .contains("Ratio TaskQ / kafka-loop"));
        assertFalse(Files.exists(results.resolve("runs")),
                "the runs' folders (broker data included) are deleted once the runs verified");
    }
}
