package io.taskq.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka commands' command lines: every mistake is one line and exit code 2, found before any connection is tried
 * (no broker runs here; the system tests run them against a real one).
 */
class KafkaCommandsTest {
    private static void assertRejected(String line, String... args) {
        CommandRun run = CommandRun.of(args);
        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(List.of(line), run.errLines(), run::toString);
    }

    @Test
    void shouldRefuseAProduceWithoutExactlyOneSource() {
        assertRejected("taskq kafka produce: give exactly one of --count N or --input FILE|-", "kafka", "produce");
        assertRejected("taskq kafka produce: give exactly one of --count N or --input FILE|-", "kafka", "produce",
                "--count", "3", "--input", "-");
        assertRejected("taskq kafka produce: --format goes with --input FILE|-, not with --count", "kafka", "produce",
                "--count", "3", "--format", "lines");
        assertRejected("taskq kafka produce: --job a b: must be 1..100 letters, digits, '.', '_' or '-'", "kafka",
                "produce", "--count", "3", "--job", "a b");
    }

    @Test
    void shouldRefuseABadBootstrapOrTopicNamingTheOption() {
        assertRejected("taskq kafka produce: --bootstrap=localhost: must be host:port[,host:port...] with ports "
                + "1..65535", "kafka", "produce", "--count", "3", "--bootstrap", "localhost");
        assertRejected("taskq kafka results: --results-topic=a/b: must be a Kafka topic name: 1..249 letters, "
                + "digits, '.', '_' or '-'", "kafka", "results", "--results-topic", "a/b");
    }

    @Test
    void shouldRefuseATimeoutWithoutExpectAndABadBrokerPort() {
        assertRejected("taskq kafka results: --timeout goes with --expect N", "kafka", "results", "--timeout", "5s");
        assertRejected("taskq kafka broker: --port 70000: must be 0..65535", "kafka", "broker", "--data-dir", "x",
                "--port", "70000");
    }

    @Test
    void kafkaAloneShouldShowItsCommands() {
        CommandRun run = CommandRun.of("kafka");
        assertEquals(2, run.exitCode(), run::toString);
        for (String command : List.of("produce", "results", "broker"))
            assertTrue(run.out().contains(command), run::toString);
    }
}
