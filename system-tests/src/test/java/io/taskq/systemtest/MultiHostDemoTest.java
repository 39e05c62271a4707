package io.taskq.systemtest;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code taskq demo --hosts}: a development broker, two hosts of a bridge and a consumer each, all separate JVMs, and
 * a verified results topic; every process it started is gone when it returns.
 */
@Tag(KafkaBroker.TAG)
class MultiHostDemoTest extends ProcessTest {
    @Test
    @Timeout(600)
    void shouldRunTwoHostsThroughKafkaAndPrintAVerifiedSummary() throws Exception {
        Path dir = tmp.resolve("demo");
        TaskqProcess demo = taskq.start("demo-hosts", "demo", "--hosts", "--count", "30000", "--consumers", "1",
                "--data-dir", dir.toString());
        demo.awaitExit(Duration.ofSeconds(540));
        assertEquals(0, demo.exitCode(), demo::describe);
        String out = demo.stdout();
        assertTrue(out.contains("VERIFIED: 30,000 task records, exactly one outcome each in the results topic"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("h1 ")) && out.lines().anyMatch(l -> l.startsWith("h2 ")),
                () -> "both hosts in the summary\n" + out);
        assertTrue(Files.isDirectory(dir.resolve("hosts").resolve("h1")), "each host has its own data directory");
        assertTrue(demo.stderr().lines().noneMatch(l -> l.contains("did not exit")), demo::describe);
    }
}
