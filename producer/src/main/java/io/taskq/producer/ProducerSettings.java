package io.taskq.producer;

import io.taskq.common.config.ConfigKey;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirAccess;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a producer needs. Immutable, and valid by construction: it is built only by {@link #builder(Path)} (or
 * {@link #from(TaskQConfig)}), whose setters check each value by the rule of its configuration key, so a bad value
 * fails where it is set, with the key's name, the value and what is allowed
 * ({@code queue.max-body-bytes=-1: must be 0..16776192}). Unset values are the keys' defaults
 * ({@link io.taskq.common.config.ConfigKey#defaultValue()}).
 */
public final class ProducerSettings {
    /** The configuration keys a producer reads, for its start-up line. */
    public static final List<ConfigKey<?>> KEYS = List.of(Keys.DATA_DIR, Keys.SLOTS_MAX, Keys.ROLL_CYCLE,
            Keys.MAX_BODY_BYTES, Keys.MIN_FREE_BYTES, Keys.KEEP_CYCLES, Keys.RATE, Keys.PRODUCER_BATCH,
            Keys.PRODUCER_SYNC, Keys.PERMISSIONS_MODE, Keys.ALLOW_OTHER_WRITABLE);

    private final Path dataDir;
    private final int slots;
    private final RollCycles rollCycle;
    private final int maxBodyBytes;
    private final long rate;
    private final int batch;
    private final long minFreeBytes;
    private final int keepCycles;
    private final DataDirAccess access;
    private final boolean msync;

    private ProducerSettings(Builder b) {
        this.dataDir = b.dataDir;
        this.slots = b.slots;
        this.rollCycle = b.rollCycle;
        this.maxBodyBytes = b.maxBodyBytes;
        this.rate = b.rate;
        this.batch = b.batch;
        this.minFreeBytes = b.minFreeBytes;
        this.keepCycles = b.keepCycles;
        this.access = b.access;
        this.msync = b.msync;
    }

    /**
     * A builder for a producer of {@code dataDir}, every other value at its default.
     *
     * @throws IllegalArgumentException if {@code dataDir} is null or empty
     */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** The settings of a loaded configuration (already checked when it was loaded). */
    public static ProducerSettings from(TaskQConfig config) {
        return builder(config.get(Keys.DATA_DIR))
                .slots(config.get(Keys.SLOTS_MAX))
                .rollCycle(config.get(Keys.ROLL_CYCLE))
                .maxBodyBytes(config.get(Keys.MAX_BODY_BYTES))
                .rate(config.get(Keys.RATE))
                .batch(config.get(Keys.PRODUCER_BATCH))
                .minFreeBytes(config.get(Keys.MIN_FREE_BYTES))
                .keepCycles(config.get(Keys.KEEP_CYCLES))
                .access(config.dataDirAccess())
                .msync("msync".equals(config.get(Keys.PRODUCER_SYNC)))
                .build();
    }

    /** The data directory ({@code data-dir}). */
    public Path dataDir() {
        return dataDir;
    }

    /** Result slots, used only when this producer creates the directory ({@code slots.max}). */
    public int slots() {
        return slots;
    }

    /** The task queue's roll cycle ({@code queue.roll-cycle}). */
    public RollCycles rollCycle() {
        return rollCycle;
    }

    /** The largest body {@code put} accepts ({@code queue.max-body-bytes}). */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Tasks per second for {@code taskq produce}, 0 for unlimited ({@code producer.rate}). */
    public long rate() {
        return rate;
    }

    /** Tasks {@code taskq produce} puts as one batch, 1 for a put each ({@code producer.batch}). */
    public int batch() {
        return batch;
    }

    /** Free space puts leave on the queue's file system, 0 for no check ({@code queue.min-free-bytes}). */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    /**
     * Roll-cycle files of tasks/ to keep, {@link Keys#KEEP_ALL_CYCLES} for all ({@code queue.keep-cycles}); the
     * producer prunes older ones after its appender rolls, and before refusing puts on a full disk.
     */
    public int keepCycles() {
        return keepCycles;
    }

    /** The data directory's permissions and what the producer accepts ({@code permissions.*}). */
    public DataDirAccess access() {
        return access;
    }

    /** Whether each put flushes its excerpt and the ledger to disk before it returns ({@code producer.sync=msync}). */
    public boolean msync() {
        return msync;
    }

    @Override
    public String toString() {
        return Keys.DATA_DIR.name() + "=" + dataDir + ", " + Keys.SLOTS_MAX.name() + "=" + slots + ", "
                + Keys.ROLL_CYCLE.name() + "=" + rollCycle + ", " + Keys.MAX_BODY_BYTES.name() + "=" + maxBodyBytes
                + ", " + Keys.MIN_FREE_BYTES.name() + "=" + minFreeBytes + ", " + Keys.KEEP_CYCLES.name() + "="
                + Keys.KEEP_CYCLES.format(keepCycles) + ", " + Keys.RATE.name() + "=" + rate + ", "
                + Keys.PRODUCER_BATCH.name() + "=" + batch + ", "
                + Keys.PRODUCER_SYNC.name() + "=" + (msync ? "msync" : "none") + ", " + access;
    }

    /**
     * Builds {@link ProducerSettings}. Each setter checks its value by the rule of the configuration key named in its
     * comment and throws {@link IllegalArgumentException} naming the key, the value and what is allowed. Not
     * thread-safe.
     */
    public static final class Builder {
        private final Path dataDir;
        private int slots = Keys.SLOTS_MAX.defaultValue();
        private RollCycles rollCycle = Keys.ROLL_CYCLE.defaultValue();
        private int maxBodyBytes = Keys.MAX_BODY_BYTES.defaultValue();
        private long rate = Keys.RATE.defaultValue();
        private int batch = Keys.PRODUCER_BATCH.defaultValue();
        private long minFreeBytes = Keys.MIN_FREE_BYTES.defaultValue();
        private int keepCycles = Keys.KEEP_CYCLES.defaultValue();
        private DataDirAccess access = Keys.defaultDataDirAccess();
        private boolean msync = "msync".equals(Keys.PRODUCER_SYNC.defaultValue());

        private Builder(Path dataDir) {
            this.dataDir = Keys.DATA_DIR.check(dataDir);
        }

        /** {@code slots.max}: 1..4096. */
        public Builder slots(int slots) {
            this.slots = Keys.SLOTS_MAX.check(slots);
            return this;
        }

        /** {@code queue.roll-cycle}. */
        public Builder rollCycle(RollCycles rollCycle) {
            this.rollCycle = Keys.ROLL_CYCLE.check(rollCycle);
            return this;
        }

        /** {@code queue.max-body-bytes}: 0..16776192. */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = Keys.MAX_BODY_BYTES.check(bytes);
            return this;
        }

        /** {@code producer.rate}: 0..1000000000 tasks per second, 0 for unlimited. */
        public Builder rate(long tasksPerSecond) {
            this.rate = Keys.RATE.check(tasksPerSecond);
            return this;
        }

        /** {@code producer.batch}: 1..65536 tasks per batch put of {@code taskq produce}. */
        public Builder batch(int tasks) {
            this.batch = Keys.PRODUCER_BATCH.check(tasks);
            return this;
        }

        /** {@code queue.min-free-bytes}: 0..2^50, 0 for no check. */
        public Builder minFreeBytes(long bytes) {
            this.minFreeBytes = Keys.MIN_FREE_BYTES.check(bytes);
            return this;
        }

        /** {@code queue.keep-cycles}: {@link Keys#KEEP_ALL_CYCLES}, or 1..1000000. */
        public Builder keepCycles(int keep) {
            this.keepCycles = Keys.KEEP_CYCLES.check(keep);
            return this;
        }

        /** {@code permissions.mode} and {@code permissions.allow-other-writable}. */
        public Builder access(DataDirAccess access) {
            if (access == null)
                throw new IllegalArgumentException("access=null: must be a DataDirAccess (permissions.mode and "
                        + "permissions.allow-other-writable)");
            this.access = access;
            return this;
        }

        /** {@code producer.sync}: true for {@code msync}, false for {@code none}. */
        public Builder msync(boolean msync) {
            this.msync = msync;
            return this;
        }

        public ProducerSettings build() {
            return new ProducerSettings(this);
        }
    }
}
