package io.taskq.consumer;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConsumerSettingsTest {
    private static final Path DIR = Path.of("var/test-consumer");

    @Test
    void builderDefaultsShouldBeTheConfigurationDefaults() {
        ConsumerSettings built = ConsumerSettings.builder(DIR).build();
        ConsumerSettings configured = ConsumerSettings.from(TaskQConfig.defaults(), ConsumerSettings.AUTO_INDEX);
        assertEquals(DIR, built.dataDir());
        assertEquals(ConsumerSettings.AUTO_INDEX, built.index());
        assertEquals(configured.slots(), built.slots());
        assertEquals(configured.rollCycle(), built.rollCycle());
        assertEquals(configured.batchSize(), built.batchSize());
        assertEquals(configured.idle(), built.idle());
        assertEquals(configured.handler(), built.handler());
        assertEquals(configured.heartbeat(), built.heartbeat());
        assertEquals(configured.lease(), built.lease());
        assertEquals(configured.stopGrace(), built.stopGrace());
        assertEquals(configured.keepCycles(), built.keepCycles());
        assertEquals(configured.access(), built.access());
        assertEquals(Keys.BATCH_SIZE.defaultValue(), built.batchSize());
    }

    @Test
    void shouldRefuseABadValueWhereItIsSetNamingTheKeyTheValueAndWhatIsAllowed() {
        ConsumerSettings.Builder b = ConsumerSettings.builder(DIR);
        assertEquals("consumer.batch-size=0: must be 1..65536",
                assertThrows(IllegalArgumentException.class, () -> b.batchSize(0)).getMessage());
        assertEquals("consumer.idle=lazy: must be one of busy, yielding, balanced, sleepy",
                assertThrows(IllegalArgumentException.class, () -> b.idle("lazy")).getMessage());
        assertEquals("consumer.handler=Big Handler: must be a handler name of lower-case letters, digits and dashes",
                assertThrows(IllegalArgumentException.class, () -> b.handler("Big Handler")).getMessage());
        assertEquals("consumer.heartbeat=5ms: must be a duration from 10ms to 10m",
                assertThrows(IllegalArgumentException.class, () -> b.heartbeat(Duration.ofMillis(5))).getMessage());
        assertEquals("consumer.stop-grace=2h: must be a duration from 0s to 1h",
                assertThrows(IllegalArgumentException.class, () -> b.stopGrace(Duration.ofHours(2))).getMessage());
        assertEquals("index=-2: must be 0..65533, or AUTO_INDEX (-1) for the lowest free slot",
                assertThrows(IllegalArgumentException.class, () -> b.index(-2)).getMessage());
    }

    @Test
    void shouldRefuseALeaseShorterThanTwoHeartbeatsByTheSameRuleAsTheConfiguration() {
        ConsumerSettings.Builder b = ConsumerSettings.builder(DIR).heartbeat(Duration.ofSeconds(10))
                .lease(Duration.ofSeconds(15));
        String built = assertThrows(IllegalArgumentException.class, b::build).getMessage();
        assertEquals("consumer.lease=15s: must be at least twice consumer.heartbeat (10s)", built);
        String configured = assertThrows(TaskQException.class, () -> TaskQConfig.load(null, Map.of(), Map.of(
                "consumer.heartbeat", new String[]{"10s", "--heartbeat"},
                "consumer.lease", new String[]{"15s", "--lease"}))).getMessage();
        assertEquals("--lease=15s: must be at least twice consumer.heartbeat (10s)", configured);
        assertEquals(Duration.ofSeconds(20), b.lease(Duration.ofSeconds(20)).build().lease());
    }

    @Test
    void fromShouldCarryTheIndexAndEveryConfiguredValue() {
        TaskQConfig config = TaskQConfig.load(null, Map.of(), Map.of(
                "consumer.batch-size", new String[]{"7", "--batch-size"},
                "consumer.idle", new String[]{"busy", "--idle"},
                "consumer.handler", new String[]{"square", "--handler"},
                "consumer.heartbeat", new String[]{"100ms", "--heartbeat"},
                "consumer.lease", new String[]{"1s", "--lease"},
                "consumer.stop-grace", new String[]{"0s", "--stop-grace"},
                "queue.keep-cycles", new String[]{"2", "--keep-cycles"}));
        ConsumerSettings s = ConsumerSettings.from(config, 3);
        assertEquals(3, s.index());
        assertEquals(7, s.batchSize());
        assertEquals("busy", s.idle());
        assertEquals("square", s.handler());
        assertEquals(Duration.ofMillis(100), s.heartbeat());
        assertEquals(Duration.ofSeconds(1), s.lease());
        assertEquals(Duration.ZERO, s.stopGrace());
        assertEquals(2, s.keepCycles());
    }
}
