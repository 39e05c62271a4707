package io.taskq.producer;

import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirAccess;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProducerSettingsTest {
    private static final Path DIR = Path.of("var/test-producer");

    @Test
    void builderDefaultsShouldBeTheConfigurationDefaults() {
        ProducerSettings built = ProducerSettings.builder(DIR).build();
        ProducerSettings configured = ProducerSettings.from(TaskQConfig.defaults());
        assertEquals(DIR, built.dataDir());
        assertEquals(configured.slots(), built.slots());
        assertEquals(configured.rollCycle(), built.rollCycle());
        assertEquals(configured.maxBodyBytes(), built.maxBodyBytes());
        assertEquals(configured.rate(), built.rate());
        assertEquals(configured.minFreeBytes(), built.minFreeBytes());
        assertEquals(configured.keepCycles(), built.keepCycles());
        assertEquals(configured.access(), built.access());
        assertEquals(configured.msync(), built.msync());
        assertEquals(Keys.MAX_BODY_BYTES.defaultValue(), built.maxBodyBytes());
    }

    @Test
    void fromShouldCarryEveryConfiguredValue() {
        TaskQConfig config = TaskQConfig.load(null, Map.of(), Map.of(
                "data-dir", new String[]{"/tmp/q", "--data-dir"},
                "slots.max", new String[]{"8", "--slots"},
                "queue.roll-cycle", new String[]{"HALF_HOURLY", "--roll-cycle"},
                "queue.max-body-bytes", new String[]{"10", "--max-body-bytes"},
                "producer.rate", new String[]{"500", "--rate"},
                "queue.min-free-bytes", new String[]{"0", "--min-free-bytes"},
                "queue.keep-cycles", new String[]{"3", "--keep-cycles"},
                "permissions.mode", new String[]{"group", "--mode"},
                "producer.sync", new String[]{"msync", "--sync"}));
        ProducerSettings s = ProducerSettings.from(config);
        assertEquals(Path.of("/tmp/q"), s.dataDir());
        assertEquals(8, s.slots());
        assertEquals(RollCycles.HALF_HOURLY, s.rollCycle());
        assertEquals(10, s.maxBodyBytes());
        assertEquals(500, s.rate());
        assertEquals(0, s.minFreeBytes());
        assertEquals(3, s.keepCycles());
        assertEquals(new DataDirAccess(true, false), s.access());
        assertTrue(s.msync());
    }

    @Test
    void shouldRefuseABadValueWhereItIsSetNamingTheKeyTheValueAndWhatIsAllowed() {
        ProducerSettings.Builder b = ProducerSettings.builder(DIR);
        assertEquals("queue.max-body-bytes=-1: must be 0..16776192",
                assertThrows(IllegalArgumentException.class, () -> b.maxBodyBytes(-1)).getMessage());
        assertEquals("slots.max=0: must be 1..4096",
                assertThrows(IllegalArgumentException.class, () -> b.slots(0)).getMessage());
        assertEquals("producer.rate=-5: must be 0..1000000000",
                assertThrows(IllegalArgumentException.class, () -> b.rate(-5)).getMessage());
        assertEquals("queue.min-free-bytes=-1: must be 0..1125899906842624",
                assertThrows(IllegalArgumentException.class, () -> b.minFreeBytes(-1)).getMessage());
        assertEquals("queue.keep-cycles=-3: must be all or a whole number in 1..1000000",
                assertThrows(IllegalArgumentException.class, () -> b.keepCycles(-3)).getMessage());
        assertEquals("queue.roll-cycle=null: must be one of " + Arrays.toString(RollCycles.values()),
                assertThrows(IllegalArgumentException.class, () -> b.rollCycle(null)).getMessage());
        assertEquals("data-dir=: must be a directory path",
                assertThrows(IllegalArgumentException.class, () -> ProducerSettings.builder(Path.of(""))).getMessage());
        assertEquals("data-dir=null: must be a directory path",
                assertThrows(IllegalArgumentException.class, () -> ProducerSettings.builder(null)).getMessage());
        assertEquals(Keys.MAX_BODY_BYTES.defaultValue(), b.build().maxBodyBytes(), "a refused value changes nothing");
    }

    @Test
    void shouldKeepEveryValueSet() {
        ProducerSettings s = ProducerSettings.builder(DIR).slots(2).rollCycle(RollCycles.WEEKLY).maxBodyBytes(0)
                .rate(7).minFreeBytes(1 << 20).keepCycles(Keys.KEEP_ALL_CYCLES)
                .access(new DataDirAccess(false, true)).msync(true).build();
        assertEquals(2, s.slots());
        assertEquals(RollCycles.WEEKLY, s.rollCycle());
        assertEquals(0, s.maxBodyBytes());
        assertEquals(7, s.rate());
        assertEquals(1 << 20, s.minFreeBytes());
        assertEquals(Keys.KEEP_ALL_CYCLES, s.keepCycles());
        assertEquals(new DataDirAccess(false, true), s.access());
        assertTrue(s.msync());
    }
}
