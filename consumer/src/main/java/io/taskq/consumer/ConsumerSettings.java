package io.taskq.consumer;

import io.taskq.common.config.ConfigKey;
import io.taskq.common.config.Keys;
import io.taskq.common.store.DataDirAccess;
import io.taskq.common.config.TaskQConfig;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a consumer needs, validated once. Immutable.
 *
 * @param dataDir   the data directory
 * @param slots     result slots, used only when this consumer creates the directory
 * @param rollCycle the task queue's roll cycle
 * @param index     this consumer's slot, or {@link #AUTO_INDEX} for the lowest free one
 * @param batchSize most tasks per claim
 * @param idle      the idle strategy's name
 * @param handler   the handler's name
 * @param heartbeat how often the slot's heartbeat is stamped
 * @param lease     how stale another slot's heartbeat must be, its owner gone, before its unfinished batch is adopted
 * @param stopGrace how long a stop request may spend finishing the claimed batch
 * @param keepCycles roll-cycle files of tasks/ to keep ({@link Keys#KEEP_ALL_CYCLES}: all); the consumer prunes older
 *                   ones each time its reader enters a new cycle
 * @param access    the data directory's permissions and what the consumer accepts
 */
public record ConsumerSettings(Path dataDir, int slots, RollCycles rollCycle, int index, int batchSize, String idle,
                               String handler, Duration heartbeat, Duration lease, Duration stopGrace, int keepCycles,
                               DataDirAccess access) {
    /** {@code --index auto}: take the lowest slot no live consumer holds; the consumer knows its index once open. */
    public static final int AUTO_INDEX = -1;

    public static final List<ConfigKey<?>> KEYS = List.of(Keys.DATA_DIR, Keys.BATCH_SIZE, Keys.IDLE, Keys.HANDLER,
            Keys.HEARTBEAT, Keys.LEASE, Keys.STOP_GRACE, Keys.ROLL_CYCLE, Keys.KEEP_CYCLES,
            Keys.PERMISSIONS_MODE, Keys.ALLOW_OTHER_WRITABLE);

    public static ConsumerSettings from(TaskQConfig config, int index) {
        return new ConsumerSettings(config.get(Keys.DATA_DIR), config.get(Keys.SLOTS_MAX), config.get(Keys.ROLL_CYCLE),
                index, config.get(Keys.BATCH_SIZE), config.get(Keys.IDLE), config.get(Keys.HANDLER),
                config.get(Keys.HEARTBEAT), config.get(Keys.LEASE), config.get(Keys.STOP_GRACE), config.get(Keys.KEEP_CYCLES), config.dataDirAccess());
    }

    /** Defaults for everything but the data directory and index; handy in tests and embedding. */
    public static ConsumerSettings defaults(Path dataDir, int index) {
        return from(TaskQConfig.defaults(), index).withDataDir(dataDir);
    }

    public ConsumerSettings withDataDir(Path dir) {
        return new ConsumerSettings(dir, slots, rollCycle, index, batchSize, idle, handler, heartbeat, lease, stopGrace, keepCycles, access);
    }

    public ConsumerSettings withHeartbeatAndLease(Duration heartbeat, Duration lease) {
        return new ConsumerSettings(dataDir, slots, rollCycle, index, batchSize, idle, handler, heartbeat, lease, stopGrace, keepCycles, access);
    }

    public ConsumerSettings withBatchSize(int size) {
        return new ConsumerSettings(dataDir, slots, rollCycle, index, size, idle, handler, heartbeat, lease, stopGrace, keepCycles, access);
    }

    public ConsumerSettings withKeepCycles(int keep) {
        return new ConsumerSettings(dataDir, slots, rollCycle, index, batchSize, idle, handler, heartbeat, lease, stopGrace, keep, access);
    }
}
