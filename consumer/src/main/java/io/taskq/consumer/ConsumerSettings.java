package io.taskq.consumer;

import io.taskq.common.config.ConfigKey;
import io.taskq.common.config.Keys;
import io.taskq.common.config.TaskQConfig;
import io.taskq.common.store.DataDirAccess;
import io.taskq.common.store.Ledger;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a consumer needs. Immutable, and valid by construction: it is built only by {@link #builder(Path)} (or
 * {@link #from(TaskQConfig, int)}), whose setters check each value by the rule of its configuration key and whose
 * {@link Builder#build()} checks the rule between the lease and the heartbeat, so a bad value fails with the key's
 * name, the value and what is allowed ({@code consumer.batch-size=0: must be 1..65536}). Unset values are the keys'
 * defaults ({@link io.taskq.common.config.ConfigKey#defaultValue()}); the index is {@link #AUTO_INDEX} unless set.
 */
public final class ConsumerSettings {
    /** {@code --index auto}: take the lowest slot no live consumer holds; the consumer knows its index once open. */
    public static final int AUTO_INDEX = -1;

    /** The configuration keys a consumer reads, for its start-up line. */
    public static final List<ConfigKey<?>> KEYS = List.of(Keys.DATA_DIR, Keys.BATCH_SIZE, Keys.COMMIT_GROUP,
            Keys.IDLE, Keys.HANDLER,
            Keys.HEARTBEAT, Keys.LEASE, Keys.STOP_GRACE, Keys.MAX_ATTEMPTS, Keys.RETRY_BACKOFF, Keys.RETRY_MAX_BACKOFF,
            Keys.TASK_TIMEOUT, Keys.RESULTS, Keys.ROLL_CYCLE, Keys.KEEP_CYCLES, Keys.MIN_FREE_BYTES,
            Keys.PERMISSIONS_MODE, Keys.ALLOW_OTHER_WRITABLE);

    private final Path dataDir;
    private final int slots;
    private final RollCycles rollCycle;
    private final int index;
    private final int batchSize;
    private final int commitGroup;
    private final String idle;
    private final boolean results;
    private final String handler;
    private final Duration heartbeat;
    private final Duration lease;
    private final Duration stopGrace;
    private final int maxAttempts;
    private final Duration retryBackoff;
    private final Duration retryMaxBackoff;
    private final Duration taskTimeout;
    private final int keepCycles;
    private final long minFreeBytes;
    private final DataDirAccess access;

    private ConsumerSettings(Builder b) {
        this.dataDir = b.dataDir;
        this.slots = b.slots;
        this.rollCycle = b.rollCycle;
        this.index = b.index;
        this.batchSize = b.batchSize;
        this.commitGroup = b.commitGroup;
        this.idle = b.idle;
        this.results = b.results;
        this.handler = b.handler;
        this.heartbeat = b.heartbeat;
        this.lease = b.lease;
        this.stopGrace = b.stopGrace;
        this.maxAttempts = b.maxAttempts;
        this.retryBackoff = b.retryBackoff;
        this.retryMaxBackoff = b.retryMaxBackoff;
        this.taskTimeout = b.taskTimeout;
        this.keepCycles = b.keepCycles;
        this.minFreeBytes = b.minFreeBytes;
        this.access = b.access;
    }

    /**
     * A builder for a consumer of {@code dataDir}, every other value at its default and the index {@link #AUTO_INDEX}.
     *
     * @throws IllegalArgumentException if {@code dataDir} is null or empty
     */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * The settings of a loaded configuration (already checked when it was loaded) for slot {@code index}.
     *
     * @throws IllegalArgumentException if {@code index} is neither a slot number nor {@link #AUTO_INDEX}
     */
    public static ConsumerSettings from(TaskQConfig config, int index) {
        return builder(config.get(Keys.DATA_DIR))
                .slots(config.get(Keys.SLOTS_MAX))
                .rollCycle(config.get(Keys.ROLL_CYCLE))
                .index(index)
                .batchSize(config.get(Keys.BATCH_SIZE))
                .commitGroup(config.get(Keys.COMMIT_GROUP))
                .idle(config.get(Keys.IDLE))
                .results("on".equals(config.get(Keys.RESULTS)))
                .handler(config.get(Keys.HANDLER))
                .heartbeat(config.get(Keys.HEARTBEAT))
                .lease(config.get(Keys.LEASE))
                .stopGrace(config.get(Keys.STOP_GRACE))
                .maxAttempts(config.get(Keys.MAX_ATTEMPTS))
                .retryBackoff(config.get(Keys.RETRY_BACKOFF))
                .retryMaxBackoff(config.get(Keys.RETRY_MAX_BACKOFF))
                .taskTimeout(config.get(Keys.TASK_TIMEOUT))
                .keepCycles(config.get(Keys.KEEP_CYCLES))
                .minFreeBytes(config.get(Keys.MIN_FREE_BYTES))
                .access(config.dataDirAccess())
                .build();
    }

    /** Most handler calls per task before it is dead-lettered ({@code consumer.max-attempts}). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The wait before a failed task's first retry ({@code consumer.retry-backoff}). */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /** The longest wait between two attempts ({@code consumer.retry-max-backoff}). */
    public Duration retryMaxBackoff() {
        return retryMaxBackoff;
    }

    /** The longest a handler call may run, or zero for no limit ({@code consumer.task-timeout}). */
    public Duration taskTimeout() {
        return taskTimeout;
    }

    /** The data directory ({@code data-dir}). */
    public Path dataDir() {
        return dataDir;
    }

    /** Result slots, used only when this consumer creates the directory ({@code slots.max}). */
    public int slots() {
        return slots;
    }

    /** The task queue's roll cycle ({@code queue.roll-cycle}). */
    public RollCycles rollCycle() {
        return rollCycle;
    }

    /** This consumer's slot, or {@link #AUTO_INDEX} for the lowest free one ({@code --index}). */
    public int index() {
        return index;
    }

    /** Most tasks per claim ({@code consumer.batch-size}). */
    public int batchSize() {
        return batchSize;
    }

    /** Most batch tasks counted by one slot update ({@code consumer.commit-group}). */
    public int commitGroup() {
        return commitGroup;
    }

    /** The idle strategy's name ({@code consumer.idle}). */
    public String idle() {
        return idle;
    }

    /** Whether each task's outcome goes to the results log ({@code consumer.results}). */
    public boolean results() {
        return results;
    }

    /** The handler's name, for {@link Handlers#create} ({@code consumer.handler}). */
    public String handler() {
        return handler;
    }

    /** How often the slot's heartbeat is stamped ({@code consumer.heartbeat}). */
    public Duration heartbeat() {
        return heartbeat;
    }

    /**
     * How stale another slot's heartbeat must be, its owner gone, before its unfinished batch is adopted
     * ({@code consumer.lease}); at least twice the heartbeat.
     */
    public Duration lease() {
        return lease;
    }

    /** How long a stop request may spend finishing the claimed batch ({@code consumer.stop-grace}). */
    public Duration stopGrace() {
        return stopGrace;
    }

    /**
     * Roll-cycle files of tasks/ to keep, {@link Keys#KEEP_ALL_CYCLES} for all ({@code queue.keep-cycles}); the
     * consumer prunes older ones each time its reader enters a new cycle.
     */
    public int keepCycles() {
        return keepCycles;
    }

    /**
     * {@code queue.min-free-bytes}. A consumer stops (exit 4) before recording an outcome when less than half of it
     * is free on the data directory's file system: the producer stops at all of it, so a full disk first stops new
     * work and leaves the consumers room for what is in flight, and still leaves room to seal.
     */
    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** The data directory's permissions and what the consumer accepts ({@code permissions.*}). */
    public DataDirAccess access() {
        return access;
    }

    @Override
    public String toString() {
        return Keys.DATA_DIR.name() + "=" + dataDir + ", index=" + (index == AUTO_INDEX ? "auto" : index) + ", "
                + Keys.BATCH_SIZE.name() + "=" + batchSize + ", " + Keys.COMMIT_GROUP.name() + "=" + commitGroup + ", "
                + Keys.IDLE.name() + "=" + idle + ", "
                + Keys.HANDLER.name() + "=" + handler + ", " + Keys.HEARTBEAT.name() + "=" + Keys.format(heartbeat)
                + ", " + Keys.LEASE.name() + "=" + Keys.format(lease) + ", " + Keys.STOP_GRACE.name() + "="
                + Keys.format(stopGrace) + ", " + Keys.MAX_ATTEMPTS.name() + "=" + maxAttempts + ", "
                + Keys.RETRY_BACKOFF.name() + "=" + Keys.format(retryBackoff) + ", " + Keys.RETRY_MAX_BACKOFF.name()
                + "=" + Keys.format(retryMaxBackoff) + ", " + Keys.TASK_TIMEOUT.name() + "="
                + Keys.format(taskTimeout) + ", " + Keys.RESULTS.name() + "=" + (results ? "on" : "off") + ", "
                + Keys.SLOTS_MAX.name() + "=" + slots + ", "
                + Keys.ROLL_CYCLE.name() + "=" + rollCycle + ", " + Keys.KEEP_CYCLES.name() + "="
                + Keys.KEEP_CYCLES.format(keepCycles) + ", " + Keys.MIN_FREE_BYTES.name() + "=" + minFreeBytes + ", "
                + access;
    }

    /**
     * Builds {@link ConsumerSettings}. Each setter checks its value by the rule of the configuration key named in its
     * comment, and {@link #build()} checks that the lease is at least twice the heartbeat; both throw
     * {@link IllegalArgumentException} naming the key, the value and what is allowed. Not thread-safe.
     */
    public static final class Builder {
        private final Path dataDir;
        private int slots = Keys.SLOTS_MAX.defaultValue();
        private RollCycles rollCycle = Keys.ROLL_CYCLE.defaultValue();
        private int index = AUTO_INDEX;
        private int batchSize = Keys.BATCH_SIZE.defaultValue();
        private int commitGroup = Keys.COMMIT_GROUP.defaultValue();
        private String idle = Keys.IDLE.defaultValue();
        private boolean results = "on".equals(Keys.RESULTS.defaultValue());
        private String handler = Keys.HANDLER.defaultValue();
        private Duration heartbeat = Keys.HEARTBEAT.defaultValue();
        private Duration lease = Keys.LEASE.defaultValue();
        private int maxAttempts = Keys.MAX_ATTEMPTS.defaultValue();
        private Duration retryBackoff = Keys.RETRY_BACKOFF.defaultValue();
        private Duration retryMaxBackoff = Keys.RETRY_MAX_BACKOFF.defaultValue();
        private Duration taskTimeout = Keys.TASK_TIMEOUT.defaultValue();
        private Duration stopGrace = Keys.STOP_GRACE.defaultValue();
        private int keepCycles = Keys.KEEP_CYCLES.defaultValue();
        private long minFreeBytes = Keys.MIN_FREE_BYTES.defaultValue();
        private DataDirAccess access = Keys.defaultDataDirAccess();

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

        /**
         * {@code --index}: this consumer's slot, 0..65533 (the data directory may have fewer, which opening checks), or
         * {@link #AUTO_INDEX}.
         */
        public Builder index(int index) {
            if (index != AUTO_INDEX && (index < 0 || index >= Ledger.MAX_SLOTS))
                throw new IllegalArgumentException("index=" + index + ": must be 0.." + (Ledger.MAX_SLOTS - 1)
                        + ", or AUTO_INDEX (" + AUTO_INDEX + ") for the lowest free slot");
            this.index = index;
            return this;
        }

        /** {@code consumer.batch-size}: 1..65536. */
        public Builder batchSize(int batchSize) {
            this.batchSize = Keys.BATCH_SIZE.check(batchSize);
            return this;
        }

        /** {@code consumer.commit-group}: 1..4096. */
        public Builder commitGroup(int tasks) {
            this.commitGroup = Keys.COMMIT_GROUP.check(tasks);
            return this;
        }

        /** {@code consumer.idle}: busy, yielding, balanced or sleepy. */
        public Builder idle(String idle) {
            this.idle = Keys.IDLE.check(idle);
            return this;
        }

        /** {@code consumer.results}: record each task's outcome in the results log (default true). */
        public Builder results(boolean results) {
            this.results = results;
            return this;
        }

        /** {@code consumer.handler}: a handler name of lower-case letters, digits and dashes. */
        public Builder handler(String handler) {
            this.handler = Keys.HANDLER.check(handler);
            return this;
        }

        /** {@code consumer.heartbeat}: 10ms..10m; {@link #build()} checks it against the lease. */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = Keys.HEARTBEAT.check(heartbeat);
            return this;
        }

        /** {@code consumer.lease}: 100ms..1h, and at least twice the heartbeat (checked by {@link #build()}). */
        public Builder lease(Duration lease) {
            this.lease = Keys.LEASE.check(lease);
            return this;
        }

        /** {@code consumer.stop-grace}: 0s..1h. */
        public Builder stopGrace(Duration stopGrace) {
            this.stopGrace = Keys.STOP_GRACE.check(stopGrace);
            return this;
        }

        /** {@code consumer.max-attempts}: 1..100. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = Keys.MAX_ATTEMPTS.check(maxAttempts);
            return this;
        }

        /** {@code consumer.retry-backoff}: 0s..1h. */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = Keys.RETRY_BACKOFF.check(backoff);
            return this;
        }

        /** {@code consumer.retry-max-backoff}: 0s..1d. */
        public Builder retryMaxBackoff(Duration backoff) {
            this.retryMaxBackoff = Keys.RETRY_MAX_BACKOFF.check(backoff);
            return this;
        }

        /** {@code consumer.task-timeout}: 0s (no limit) .. 1d. */
        public Builder taskTimeout(Duration timeout) {
            this.taskTimeout = Keys.TASK_TIMEOUT.check(timeout);
            return this;
        }

        /** {@code queue.keep-cycles}: {@link Keys#KEEP_ALL_CYCLES}, or 1..1000000. */
        public Builder keepCycles(int keep) {
            this.keepCycles = Keys.KEEP_CYCLES.check(keep);
            return this;
        }

        /** {@code queue.min-free-bytes}: 0..2^50; 0 turns the consumer's check off. */
        public Builder minFreeBytes(long bytes) {
            this.minFreeBytes = Keys.MIN_FREE_BYTES.check(bytes);
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

        /**
         * @throws IllegalArgumentException if the lease is shorter than twice the heartbeat, e.g.
         *                                  {@code consumer.lease=15s: must be at least twice consumer.heartbeat (10s)}
         */
        public ConsumerSettings build() {
            String violation = Keys.leaseViolation(lease, heartbeat);
            if (violation != null)
                throw new IllegalArgumentException(Keys.LEASE.name() + "=" + Keys.format(lease) + ": " + violation);
            return new ConsumerSettings(this);
        }
    }
}
