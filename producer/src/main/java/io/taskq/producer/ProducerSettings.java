package io.taskq.producer;

import io.taskq.common.config.ConfigKey;
import io.taskq.common.config.Keys;
import io.taskq.common.store.DataDirAccess;
import io.taskq.common.config.TaskQConfig;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a producer needs, validated once. Immutable.
 *
 * @param dataDir      the data directory
 * @param slots        result slots, used only when this producer creates the directory
 * @param rollCycle    the task queue's roll cycle
 * @param maxBodyBytes the largest body {@code put} accepts
 * @param rate         tasks per second for {@code taskq produce}, 0 for unlimited
 * @param minFreeBytes free space puts leave on the queue's file system (0: no check)
 * @param keepCycles   roll-cycle files of tasks/ to keep ({@link Keys#KEEP_ALL_CYCLES}: all); the producer prunes
 *                     older ones after its appender rolls, and before refusing puts on a full disk
 * @param access       the data directory's permissions and what the producer accepts
 * @param msync        whether each put flushes its excerpt and the ledger to disk before it returns ({@code producer.sync})
 */
public record ProducerSettings(Path dataDir, int slots, RollCycles rollCycle, int maxBodyBytes, long rate,
                               long minFreeBytes, int keepCycles, DataDirAccess access, boolean msync) {
    public static final List<ConfigKey<?>> KEYS = List.of(Keys.DATA_DIR, Keys.SLOTS_MAX, Keys.ROLL_CYCLE, Keys.MAX_BODY_BYTES,
            Keys.MIN_FREE_BYTES, Keys.KEEP_CYCLES, Keys.RATE, Keys.PRODUCER_SYNC, Keys.PERMISSIONS_MODE, Keys.ALLOW_OTHER_WRITABLE);

    public static ProducerSettings from(TaskQConfig config) {
        return new ProducerSettings(config.get(Keys.DATA_DIR), config.get(Keys.SLOTS_MAX), config.get(Keys.ROLL_CYCLE),
                config.get(Keys.MAX_BODY_BYTES), config.get(Keys.RATE), config.get(Keys.MIN_FREE_BYTES),
                config.get(Keys.KEEP_CYCLES), config.dataDirAccess(), "msync".equals(config.get(Keys.PRODUCER_SYNC)));
    }

    /** Defaults for everything but the data directory; handy in tests and embedding. */
    public static ProducerSettings defaults(Path dataDir) {
        return new ProducerSettings(dataDir, Integer.parseInt(Keys.SLOTS_MAX.defaultValue()), RollCycles.FAST_DAILY,
                Integer.parseInt(Keys.MAX_BODY_BYTES.defaultValue()), 0, Long.parseLong(Keys.MIN_FREE_BYTES.defaultValue()),
                Keys.KEEP_ALL_CYCLES, DataDirAccess.DEFAULT, false);
    }

    public ProducerSettings withMinFreeBytes(long bytes) {
        return new ProducerSettings(dataDir, slots, rollCycle, maxBodyBytes, rate, bytes, keepCycles, access, msync);
    }

    public ProducerSettings withKeepCycles(int keep) {
        return new ProducerSettings(dataDir, slots, rollCycle, maxBodyBytes, rate, minFreeBytes, keep, access, msync);
    }

    public ProducerSettings withMsync(boolean sync) {
        return new ProducerSettings(dataDir, slots, rollCycle, maxBodyBytes, rate, minFreeBytes, keepCycles, access, sync);
    }
}
