package io.taskq.common.config;

import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.store.DataDirAccess;
import io.taskq.common.store.QueueRetention;
import io.taskq.common.wire.QueuedBatch;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every TaskQ configuration key, with its default and what it allows. docs/CONFIGURATION.md mirrors this list.
 * <p>
 * Each default is written once, as the typed default of its key ({@link ConfigKey#defaultValue()}): the
 * configuration and the settings builders both start from it.
 */
public final class Keys {
    /** {@link #KEEP_CYCLES} value meaning every roll-cycle file is kept. */
    public static final int KEEP_ALL_CYCLES = QueueRetention.KEEP_ALL_CYCLES;
    /** The values of {@code producer.sync}. */
    public static final List<String> PRODUCER_SYNC_MODES = List.of("none", "msync");
    public static final List<String> RESULTS_MODES = List.of("on", "off");
    /** The values of {@code permissions.mode}. */
    private static final List<String> PERMISSIONS_MODES = List.of("owner", "group");
    /** One server of {@code kafka.bootstrap}: a host name or address (IPv6 in brackets), a colon and a port. */
    private static final Pattern BOOTSTRAP_SERVER =
            Pattern.compile("(?:[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");

    public static final ConfigKey<Path> DATA_DIR = pathKey("data-dir", "var/taskq",
            "Directory holding the task queue, the results map and the ledger; relative paths start at the working "
                    + "directory.");
    public static final ConfigKey<String> PERMISSIONS_MODE = choiceKey("permissions.mode", "owner", PERMISSIONS_MODES,
            "must be owner or group",
            "Who may use a data directory TaskQ creates: owner (directories 0700, files 0600) or group (0770 and 0660, "
                    + "for processes of several users in one group; they need umask 007 or 002).");
    public static final ConfigKey<Boolean> ALLOW_OTHER_WRITABLE = new ConfigKey<>("permissions.allow-other-writable",
            false, "Whether TaskQ may use a data directory (or its ledger, results map or tasks/) that every user can "
            + "write.", Keys::bool, v -> true, "must be true or false", String::valueOf);
    public static final ConfigKey<Integer> SLOTS_MAX = intKey("slots.max", 64, 1, 4096,
            "Number of result slots, i.e. the most consumers a data directory can have (fixed when the directory is "
                    + "created).");
    public static final ConfigKey<RollCycles> ROLL_CYCLE = new ConfigKey<>("queue.roll-cycle", RollCycles.FAST_DAILY,
            "Chronicle Queue roll cycle of tasks/ (a RollCycles name).", Keys::rollCycle, v -> true,
            "must be one of " + Arrays.toString(RollCycles.values()), RollCycles::name);
    /**
     * The most {@code queue.max-body-bytes} can be: Chronicle Queue writes no excerpt longer than 16 MiB (a quarter of
     * its 64 MiB block), and a task excerpt needs a few dozen bytes besides its body; 1 KiB is left for them.
     */
    public static final int LARGEST_BODY_BYTES = 16 * 1024 * 1024 - 1024;
    public static final ConfigKey<Integer> MAX_BODY_BYTES = intKey("queue.max-body-bytes", 4096, 0, LARGEST_BODY_BYTES,
            "Largest optional task body a producer accepts, in bytes.");
    public static final ConfigKey<Long> MIN_FREE_BYTES = longKey("queue.min-free-bytes", 64L << 20, 0, 1L << 50,
            "Free space a producer leaves on the task queue's file system: below it, puts stop with exit code 4. "
                    + "Consumers keep half of it free: below that they stop (exit 4) before recording another "
                    + "outcome. 0 turns both checks off.");
    public static final ConfigKey<Integer> KEEP_CYCLES = new ConfigKey<>("queue.keep-cycles", KEEP_ALL_CYCLES,
            "Roll-cycle files of tasks/ to keep: all, or N to delete older files once every task in them is done "
                    + "and no live consumer reads them, keeping at least the newest N.", Keys::keepCycles,
            v -> v == KEEP_ALL_CYCLES || (v >= 1 && v <= 1_000_000), "must be all or a whole number in 1..1000000",
            v -> v == KEEP_ALL_CYCLES ? "all" : String.valueOf(v));
    public static final ConfigKey<Integer> BATCH_SIZE = intKey("consumer.batch-size", 64, 1, 65536,
            "Most tasks one consumer claims with one compare-and-swap.");
    public static final ConfigKey<Integer> COMMIT_GROUP = intKey("consumer.commit-group", 64, 1, 4096,
            "Most tasks of a batch a consumer counts in one slot update and one results-log append; a kill repeats "
                    + "at most that many calls, or 100us of handling, plus the call in hand. 1 commits each task "
                    + "alone.");
    public static final ConfigKey<String> IDLE = choiceKey("consumer.idle", "balanced", IdleStrategies.NAMES,
            "must be one of " + String.join(", ", IdleStrategies.NAMES),
            "How a consumer waits when there is no work: busy, yielding, balanced or sleepy.");
    public static final ConfigKey<String> HANDLER = new ConfigKey<>("consumer.handler", "example",
            "Name of the TaskHandler the consumer runs (found with ServiceLoader).", String::trim,
            v -> v.matches("[a-z0-9][a-z0-9-]*"), "must be a handler name of lower-case letters, digits and dashes",
            v -> v);
    public static final ConfigKey<Duration> HEARTBEAT = durationKey("consumer.heartbeat", Duration.ofSeconds(1),
            Duration.ofMillis(10), Duration.ofMinutes(10), "How often a consumer stamps its slot's heartbeat.");
    public static final ConfigKey<Duration> LEASE = durationKey("consumer.lease", Duration.ofSeconds(10),
            Duration.ofMillis(100), Duration.ofHours(1),
            "A slot whose heartbeat is older than this has its unfinished work taken over by a running consumer: "
                    + "adopted if its owner process is gone, fenced if the process runs but is stopped.");
    public static final ConfigKey<Duration> STOP_GRACE = durationKey("consumer.stop-grace", Duration.ofSeconds(5),
            Duration.ZERO, Duration.ofHours(1),
            "On SIGTERM a consumer finishes its claimed batch for at most this long, then stops after the task in "
                    + "hand.");
    public static final ConfigKey<Integer> MAX_ATTEMPTS = intKey("consumer.max-attempts", 5, 1, 100,
            "Most handler calls a task gets when its handler throws: after the last failed one the task is "
                    + "dead-lettered (1: no retry). Calls repeated because a consumer was killed do not count.");
    public static final ConfigKey<Duration> RETRY_BACKOFF = durationKey("consumer.retry-backoff",
            Duration.ofMillis(100), Duration.ZERO, Duration.ofHours(1),
            "Wait before the first retry of a failed task; it doubles with each failure, with jitter (a random "
                    + "50..100% of it), up to consumer.retry-max-backoff.");
    public static final ConfigKey<Duration> RETRY_MAX_BACKOFF = durationKey("consumer.retry-max-backoff",
            Duration.ofSeconds(30), Duration.ZERO, Duration.ofDays(1), "Longest wait between two attempts of a task.");
    public static final ConfigKey<Duration> TASK_TIMEOUT = durationKey("consumer.task-timeout", Duration.ZERO,
            Duration.ZERO, Duration.ofDays(1),
            "A handler call running longer than this counts as a failed attempt: the consumer process exits (code 6) "
                    + "and its slot's work is resumed or adopted; 0s means no limit.");
    public static final ConfigKey<String> RESULTS = choiceKey("consumer.results", "on", RESULTS_MODES,
            "must be one of " + String.join(", ", RESULTS_MODES),
            "on: each task's outcome (ok with the handler's result body, or dead) is recorded once in results/, for "
                    + "taskq results; off: only the slot totals (a record costs about 60 ns of CPU).");
    public static final ConfigKey<Long> RATE = longKey("producer.rate", 0, 0, 1_000_000_000L,
            "Tasks per second a synthetic or CSV producer sends; 0 means as fast as possible.");
    public static final ConfigKey<Integer> PRODUCER_BATCH = intKey("producer.batch", 64, 1, QueuedBatch.MAX_TASKS,
            "Tasks taskq produce puts into the queue as one excerpt (a batch put, all or nothing); 1 puts each task on "
                    + "its own. A batch also goes out as soon as the input has nothing more buffered, or before "
                    + "producer.rate would wait.");
    public static final ConfigKey<String> PRODUCER_SYNC = choiceKey("producer.sync", "none", PRODUCER_SYNC_MODES,
            "must be one of " + String.join(", ", PRODUCER_SYNC_MODES),
            "none: a put returns once its task is in the page cache (survives kill -9 of any process); msync: a put "
                    + "returns only after its excerpt and the ledger's submitted count are flushed to disk (survives "
                    + "power loss; one disk flush per put).");
    public static final ConfigKey<Integer> DEMO_CONSUMERS = intKey("demo.consumers", 3, 1, 64,
            "Consumer processes the demo starts.");
    public static final ConfigKey<Long> DEMO_COUNT = longKey("demo.count", 1_000_000, 1, 1_000_000_000L,
            "Tasks the demo submits.");
    public static final ConfigKey<Path> DEMO_DATA_DIR = pathKey("demo.data-dir", "var/taskq-demo",
            "Data directory of the demo; each demo run empties it first (only if it holds an earlier demo run).");

    /** Prefix of the free-form Kafka client properties in the configuration file ({@code kafka.client.linger.ms}). */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";
    public static final ConfigKey<String> KAFKA_BOOTSTRAP = new ConfigKey<>("kafka.bootstrap", "127.0.0.1:9092",
            "Kafka brokers the Kafka commands and the bridge connect to (bootstrap.servers): host:port, "
                    + "comma-separated. No other TaskQ command opens a network connection.", String::trim,
            Keys::isBootstrapList, "must be host:port[,host:port...] with ports 1..65535", v -> v);
    public static final ConfigKey<String> KAFKA_TASKS_TOPIC = topicKey("kafka.tasks-topic", "taskq-tasks",
            "Kafka topic of task records: the bridge consumes it, taskq kafka produce writes it.");
    public static final ConfigKey<String> KAFKA_RESULTS_TOPIC = topicKey("kafka.results-topic", "taskq-results",
            "Kafka topic the bridge publishes one outcome per task record to, keyed by the task record's key.");
    public static final ConfigKey<String> KAFKA_GROUP = new ConfigKey<>("kafka.group", "taskq-bridge",
            "Consumer group of the bridges on the tasks topic: the hosts that share the work.", String::trim,
            v -> v.matches("[A-Za-z0-9._-]{1,249}"), "must be 1..249 letters, digits, '.', '_' or '-'", v -> v);
    public static final ConfigKey<Integer> KAFKA_PARTITIONS = intKey("kafka.partitions", 6, 1, 10_000,
            "Partitions of a topic TaskQ creates because it does not exist yet (tasks and results topics).");
    public static final ConfigKey<Integer> KAFKA_REPLICATION = intKey("kafka.replication-factor", 1, 1, 32,
            "Replication factor of a topic TaskQ creates; 1 suits the development broker, 3 a production cluster.");
    public static final ConfigKey<Duration> KAFKA_TIMEOUT = durationKey("kafka.timeout", Duration.ofSeconds(15),
            Duration.ofMillis(500), Duration.ofMinutes(10),
            "How long a Kafka command or the bridge waits for the brokers before it stops with one line and exit "
                    + "code 1.");
    public static final ConfigKey<String> BRIDGE_HOST_ID = new ConfigKey<>("bridge.host-id", "",
            "This host's name among the bridges; its transactional id is taskq-bridge-<host-id>, so a restarted "
                    + "bridge fences its dead predecessor. Empty: an id generated once and kept in the data "
                    + "directory (bridge/host-id).", String::trim, v -> v.matches("[A-Za-z0-9._-]{0,100}"),
            "must be empty or up to 100 letters, digits, '.', '_' or '-'", v -> v);
    public static final ConfigKey<Duration> BRIDGE_COMMIT_INTERVAL = durationKey("bridge.commit-interval",
            Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofMinutes(1),
            "How often the bridge commits a transaction of finished outcomes and their offsets.");
    public static final ConfigKey<Integer> BRIDGE_MAX_BACKLOG = intKey("bridge.max-backlog", 20_000, 1,
            1_000_000_000, "Tasks put by the bridge and not finished yet above which it pauses taking records.");
    public static final ConfigKey<Integer> BRIDGE_COMPACT_ORIGINS = intKey("bridge.compact-origins", 1_000_000, 1_000,
            1_000_000_000, "Entries of the bridge's origin log (bridge/origins, one per task put) that it no longer "
                    + "needs (their records are committed) from which it rewrites the log without them, once they "
                    + "are at least half of it.");
    public static final ConfigKey<Duration> BRIDGE_TRANSACTION_TIMEOUT = durationKey("bridge.transaction-timeout",
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(15),
            "Kafka's transaction.timeout.ms for the bridge: an open transaction of a killed or frozen host is "
                    + "aborted after this, and readers of its partitions wait that long at most.");

    public static final List<ConfigKey<?>> ALL = List.of(DATA_DIR, PERMISSIONS_MODE, ALLOW_OTHER_WRITABLE, SLOTS_MAX,
            ROLL_CYCLE, MAX_BODY_BYTES, MIN_FREE_BYTES, KEEP_CYCLES, BATCH_SIZE, COMMIT_GROUP,
            IDLE, HANDLER, HEARTBEAT, LEASE,
            STOP_GRACE, MAX_ATTEMPTS, RETRY_BACKOFF, RETRY_MAX_BACKOFF, TASK_TIMEOUT, RESULTS,
            RATE, PRODUCER_BATCH, PRODUCER_SYNC, DEMO_CONSUMERS, DEMO_COUNT,
            DEMO_DATA_DIR, KAFKA_BOOTSTRAP, KAFKA_TASKS_TOPIC, KAFKA_RESULTS_TOPIC, KAFKA_GROUP, KAFKA_PARTITIONS,
            KAFKA_REPLICATION, KAFKA_TIMEOUT, BRIDGE_HOST_ID, BRIDGE_COMMIT_INTERVAL, BRIDGE_MAX_BACKLOG,
            BRIDGE_COMPACT_ORIGINS, BRIDGE_TRANSACTION_TIMEOUT);

    private Keys() {
    }

    public static ConfigKey<?> byName(String name) {
        for (ConfigKey<?> key : ALL)
            if (key.name().equals(name))
                return key;
        return null;
    }

    /**
     * The rule between {@link #LEASE} and {@link #HEARTBEAT}: another consumer must miss at least two heartbeats
     * before its slot counts as orphaned.
     *
     * @return null when {@code lease} is allowed with {@code heartbeat}, otherwise what is allowed
     */
    public static String leaseViolation(Duration lease, Duration heartbeat) {
        if (lease.compareTo(heartbeat.multipliedBy(2)) >= 0)
            return null;
        return "must be at least twice " + HEARTBEAT.name() + " (" + format(heartbeat) + ")";
    }

    /** The data directory's permissions for a {@link #PERMISSIONS_MODE} and an {@link #ALLOW_OTHER_WRITABLE}. */
    public static DataDirAccess dataDirAccess(String permissionsMode, boolean allowOtherWritable) {
        return new DataDirAccess("group".equals(PERMISSIONS_MODE.check(permissionsMode)), allowOtherWritable);
    }

    /** The data directory's permissions by default. */
    public static DataDirAccess defaultDataDirAccess() {
        return dataDirAccess(PERMISSIONS_MODE.defaultValue(), ALLOW_OTHER_WRITABLE.defaultValue());
    }

    private static ConfigKey<Integer> intKey(String name, int defaultValue, int min, int max, String meaning) {
        return new ConfigKey<>(name, defaultValue, meaning, s -> {
            long v = wholeNumber(s, min, max);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)
                throw new IllegalArgumentException(range(min, max));
            return (int) v;
        }, v -> v >= min && v <= max, range(min, max), String::valueOf);
    }

    private static ConfigKey<Long> longKey(String name, long defaultValue, long min, long max, String meaning) {
        return new ConfigKey<>(name, defaultValue, meaning, s -> wholeNumber(s, min, max), v -> v >= min && v <= max,
                range(min, max), String::valueOf);
    }

    private static String range(long min, long max) {
        return "must be " + min + ".." + max;
    }

    private static long wholeNumber(String s, long min, long max) {
        try {
            return Long.parseLong(s.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number in " + min + ".." + max);
        }
    }

    private static ConfigKey<Duration> durationKey(String name, Duration defaultValue, Duration min, Duration max,
                                                   String meaning) {
        return new ConfigKey<>(name, defaultValue, meaning, Keys::parseDuration,
                d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0,
                "must be a duration from " + format(min) + " to " + format(max), Keys::format);
    }

    /** A key whose value is one of {@code choices}, given in any case. */
    private static ConfigKey<String> choiceKey(String name, String defaultValue, List<String> choices,
                                               String whatIsAllowed, String meaning) {
        return new ConfigKey<>(name, defaultValue, meaning, s -> s.trim().toLowerCase(Locale.ROOT), choices::contains,
                whatIsAllowed, v -> v);
    }

    /** A Kafka topic name: 1..249 letters, digits, '.', '_' or '-'. */
    private static ConfigKey<String> topicKey(String name, String defaultValue, String meaning) {
        return new ConfigKey<>(name, defaultValue, meaning, String::trim, v -> v.matches("[A-Za-z0-9._-]{1,249}"),
                "must be a Kafka topic name: 1..249 letters, digits, '.', '_' or '-'", v -> v);
    }

    /** {@code host:port[,host:port...]}, ports 1..65535; a host is a name, an IPv4 address or a bracketed IPv6 one. */
    private static boolean isBootstrapList(String v) {
        if (v.isEmpty())
            return false;
        for (String server : v.split(",", -1)) {
            Matcher m = BOOTSTRAP_SERVER.matcher(server.trim());
            if (!m.matches())
                return false;
            int port = Integer.parseInt(m.group(1));
            if (port < 1 || port > 65535)
                return false;
        }
        return true;
    }

    private static ConfigKey<Path> pathKey(String name, String defaultValue, String meaning) {
        return new ConfigKey<>(name, Path.of(defaultValue), meaning, Keys::path, p -> !p.toString().isBlank(),
                "must be a directory path", Path::toString);
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** Parses {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. */
    public static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches())
            throw new IllegalArgumentException("must be a duration such as 500ms, 10s, 2m or 1h");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** A duration as configuration text: the largest whole unit of h, m, s and ms, e.g. {@code 90s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0)
            return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0)
            return ms / 60_000 + "m";
        if (ms % 1000 == 0)
            return ms / 1000 + "s";
        return ms + "ms";
    }

    private static Path path(String s) {
        if (s.isBlank())
            throw new IllegalArgumentException("must be a directory path");
        return Path.of(s.trim());
    }

    private static Boolean bool(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    private static RollCycles rollCycle(String s) {
        try {
            return RollCycles.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be one of " + Arrays.toString(RollCycles.values()));
        }
    }

    private static Integer keepCycles(String s) {
        if (s.trim().equalsIgnoreCase("all"))
            return KEEP_ALL_CYCLES;
        long keep;
        try {
            keep = wholeNumber(s, 1, 1_000_000);
        } catch (IllegalArgumentException e) {
            keep = -1;
        }
        if (keep < 1 || keep > 1_000_000)
            throw new IllegalArgumentException("must be all or a whole number in 1..1000000");
        return (int) keep;
    }
}
