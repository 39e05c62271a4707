package io.taskq.common.config;

import io.taskq.common.TaskQException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskQConfigTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("taskq.yaml"), text);
    }

    private String refusal(Path file, Map<String, String> env, Map<String, String[]> flags) {
        TaskQException e = assertThrows(TaskQException.class, () -> TaskQConfig.load(file, env, flags));
        assertEquals(TaskQException.EXIT_USAGE, e.exitCode());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void flagsShouldBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws IOException {
        Path file = yaml("consumer:\n  batch-size: 10\n  idle: busy\nslots:\n  max: 8\n");
        TaskQConfig c = TaskQConfig.load(file,
                Map.of("TASKQ_CONSUMER_BATCH_SIZE", "20", "TASKQ_CONSUMER_IDLE", "sleepy"),
                Map.of("consumer.batch-size", new String[]{"30", "--batch-size"}));
        assertEquals(30, c.get(Keys.BATCH_SIZE));
        assertEquals("sleepy", c.get(Keys.IDLE));
        assertEquals(8, c.get(Keys.SLOTS_MAX));
        assertEquals(Duration.ofSeconds(10), c.get(Keys.LEASE));
        assertEquals("--batch-size", c.source(Keys.BATCH_SIZE));
        assertEquals("default", c.source(Keys.LEASE));
    }

    @Test
    void shouldNameFileKeyValueAndWhatIsAllowed() throws IOException {
        Path file = yaml("consumer:\n  batch-size: 0\n");
        assertEquals("consumer.batch-size=0 in " + file + ": must be 1..65536", refusal(file, Map.of(), Map.of()));
    }

    @Test
    void shouldRefuseUnknownKeysInsteadOfIgnoringThem() throws IOException {
        Path file = yaml("consumer:\n  batchsize: 5\n");
        String m = refusal(file, Map.of(), Map.of());
        assertTrue(m.contains(file.toString()) && m.contains("unknown key 'consumer.batchsize'"), m);
    }

    @Test
    void shouldRefuseUnknownAndBadEnvironmentVariables() {
        assertTrue(refusal(null, Map.of("TASKQ_NOPE", "1"), Map.of()).contains("TASKQ_NOPE"));
        String m = refusal(null, Map.of("TASKQ_CONSUMER_IDLE", "lazy"), Map.of());
        assertTrue(m.startsWith("TASKQ_CONSUMER_IDLE=lazy: must be one of busy"), m);
        TaskQConfig.load(null, Map.of("TASKQ_HOME", "/x", "TASKQ_JAVA_OPTS", "-Xmx1g"), Map.of());
    }

    @Test
    void shouldNameTheFlagWhenAFlagValueIsBad() {
        String m = refusal(null, Map.of(), Map.of("consumer.idle", new String[]{"lazy", "--idle"}));
        assertTrue(m.startsWith("--idle=lazy: must be one of"), m);
    }

    @Test
    void shouldCheckKeysAgainstEachOther() throws IOException {
        String m = refusal(yaml("consumer:\n  heartbeat: 10s\n  lease: 15s\n"), Map.of(), Map.of());
        assertTrue(m.contains("consumer.lease") && m.contains("twice consumer.heartbeat"), m);
    }

    @Test
    void shouldRefuseInvalidYaml() throws IOException {
        Path file = yaml("consumer: [batch-size\n");
        assertTrue(refusal(file, Map.of(), Map.of()).contains("not valid YAML"));
    }

    @Test
    void shippedConfigFileShouldLoadAndMatchTheDefaults() {
        Path shipped = Path.of(System.getProperty("taskq.project.root", "../"), "config", "taskq.yaml");
        TaskQConfig fromFile = TaskQConfig.load(shipped, Map.of(), Map.of());
        TaskQConfig defaults = TaskQConfig.defaults();
        for (ConfigKey<?> key : Keys.ALL) {
            assertEquals(defaults.get(key), fromFile.get(key), key.name());
            assertNotEquals("default", fromFile.source(key), key.name() + " is not in config/taskq.yaml");
        }
    }

    @Test
    void everyDefaultShouldReadBackFromItsTextAsTheSameValue() {
        for (ConfigKey<?> key : Keys.ALL)
            assertEquals(key.defaultValue(), key.parse(key.defaultText()), key.name());
        assertEquals("all", Keys.KEEP_CYCLES.defaultText());
        assertEquals("10s", Keys.LEASE.defaultText());
        assertEquals("67108864", Keys.MIN_FREE_BYTES.defaultText());
    }

    @Test
    void aValueGivenInCodeShouldBeCheckedByTheSameRuleAsAConfiguredOne() throws IOException {
        Path file = yaml("consumer:\n  batch-size: 0\n");
        String configured = refusal(file, Map.of(), Map.of());
        String inCode = assertThrows(IllegalArgumentException.class, () -> Keys.BATCH_SIZE.check(0)).getMessage();
        assertEquals("consumer.batch-size=0: must be 1..65536", inCode);
        assertEquals(configured.substring(configured.indexOf(": ")), inCode.substring(inCode.indexOf(": ")));
        assertEquals(64, Keys.BATCH_SIZE.check(64));
        assertEquals("--keep-cycles=0: must be all or a whole number in 1..1000000",
                refusal(null, Map.of(), Map.of("queue.keep-cycles", new String[]{"0", "--keep-cycles"})));
        assertEquals("--keep-cycles=4294967297: must be all or a whole number in 1..1000000",
                refusal(null, Map.of(), Map.of("queue.keep-cycles", new String[]{"4294967297", "--keep-cycles"})));
    }

    @Test
    void containerConfigFileShouldLoadAndPutTheDataDirectoryOnTheSharedVolume() {
        Path docker = Path.of(System.getProperty("taskq.project.root", "../"), "config", "docker.yaml");
        TaskQConfig c = TaskQConfig.load(docker, Map.of(), Map.of());
        assertEquals(Path.of("/var/lib/taskq/data"), c.get(Keys.DATA_DIR));
        assertNotEquals("default", c.source(Keys.DATA_DIR));
        assertEquals(Path.of("/var/lib/taskq/demo"), c.get(Keys.DEMO_DATA_DIR));
        // The multi-host profile's bridges: a killed host's partitions move within seconds, not Kafka's 45 s.
        assertEquals(Map.of("session.timeout.ms", "10000"), c.kafkaClientProperties());
    }

    @Test
    void shouldKeepKafkaClientPropertiesApartFromTheKeys() throws IOException {
        Path file = yaml("kafka:\n  bootstrap: a:1,b.example:9093\n  client:\n    linger.ms: 20\n"
                + "    session.timeout.ms: 6000\n");
        TaskQConfig config = TaskQConfig.load(file, Map.of(), Map.of());
        assertEquals("a:1,b.example:9093", config.get(Keys.KAFKA_BOOTSTRAP));
        assertEquals(Map.of("linger.ms", "20", "session.timeout.ms", "6000"), config.kafkaClientProperties());
        assertEquals(file.toString(), config.kafkaClientSource());
        assertEquals(Map.of(), TaskQConfig.defaults().kafkaClientProperties());
    }

    @Test
    void shouldRefuseABootstrapListWithoutAPortAndAKafkaClientPropertyWithoutAValue() throws IOException {
        assertEquals("--bootstrap=localhost: must be host:port[,host:port...] with ports 1..65535",
                refusal(null, Map.of(), Map.of("kafka.bootstrap", new String[]{"localhost", "--bootstrap"})));
        assertEquals("kafka.bootstrap=a:1,b:70000 in " + yaml("kafka:\n  bootstrap: a:1,b:70000\n")
                        + ": must be host:port[,host:port...] with ports 1..65535",
                refusal(dir.resolve("taskq.yaml"), Map.of(), Map.of()));
        Path file = yaml("kafka:\n  client:\n    linger.ms:\n");
        assertTrue(refusal(file, Map.of(), Map.of()).startsWith("kafka.client.linger.ms in " + file
                + ": has no value"));
        assertTrue(refusal(yaml("kafka:\n  tasks-topic: a/b\n"), Map.of(), Map.of())
                .endsWith("must be a Kafka topic name: 1..249 letters, digits, '.', '_' or '-'"));
    }
}
