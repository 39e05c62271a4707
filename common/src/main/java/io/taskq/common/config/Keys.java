package io.taskq.common.config;

import io.taskq.common.idle.IdleStrategies;
import io.taskq.common.store.QueueRetention;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every TaskQ configuration key, with its default and what it allows. docs/CONFIGURATION.md mirrors this list. */
public final class Keys {
    public static final ConfigKey<Path> DATA_DIR = new ConfigKey<>("data-dir", "var/taskq",
            "Directory holding the task queue, the results map and the ledger; relative paths start at the working directory.",
            Keys::path);
    public static final ConfigKey<String> PERMISSIONS_MODE = new ConfigKey<>("permissions.mode", "owner",
            "Who may use a data directory TaskQ creates: owner (directories 0700, files 0600) or group (0770 and 0660, for "
                    + "processes of several users in one group; they need umask 007 or 002).", Keys::permissionsMode);
    public static final ConfigKey<Boolean> ALLOW_OTHER_WRITABLE = new ConfigKey<>("permissions.allow-other-writable", "false",
            "Whether TaskQ may use a data directory (or its ledger, results map or tasks/) that every user can write.",
            Keys::bool);
    public static final ConfigKey<Integer> SLOTS_MAX = new ConfigKey<>("slots.max", "64",
            "Number of result slots, i.e. the most consumers a data directory can have (fixed when the directory is created).",
            intRange(1, 4096));
    public static final ConfigKey<RollCycles> ROLL_CYCLE = new ConfigKey<>("queue.roll-cycle", "FAST_DAILY",
            "Chronicle Queue roll cycle of tasks/ (a RollCycles name).", Keys::rollCycle);
    public static final ConfigKey<Integer> MAX_BODY_BYTES = new ConfigKey<>("queue.max-body-bytes", "4096",
            "Largest optional task body a producer accepts, in bytes.", intRange(0, 16 * 1024 * 1024));
    public static final ConfigKey<Long> MIN_FREE_BYTES = new ConfigKey<>("queue.min-free-bytes", "67108864",
            "Free space a producer leaves on the task queue's file system: below it, puts stop with exit code 4; 0 turns the check off.",
            longRange(0, 1L << 50));
    public static final ConfigKey<Integer> KEEP_CYCLES = new ConfigKey<>("queue.keep-cycles", "all",
            "Roll-cycle files of tasks/ to keep: all, or N to delete older files once every task in them is done "
            + "and no live consumer reads them, keeping at least the newest N.", Keys::keepCycles);
    /** {@link #KEEP_CYCLES} value meaning every roll-cycle file is kept. */
    public static final int KEEP_ALL_CYCLES = QueueRetention.KEEP_ALL_CYCLES;
    public static final ConfigKey<Integer> BATCH_SIZE = new ConfigKey<>("consumer.batch-size", "64",
            "Most tasks one consumer claims with one compare-and-swap.", intRange(1, 65536));
    public static final ConfigKey<String> IDLE = new ConfigKey<>("consumer.idle", "balanced",
            "How a consumer waits when there is no work: busy, yielding, balanced or sleepy.", Keys::idle);
    public static final ConfigKey<String> HANDLER = new ConfigKey<>("consumer.handler", "example",
            "Name of the TaskHandler the consumer runs (found with ServiceLoader).", Keys::handlerName);
    public static final ConfigKey<Duration> HEARTBEAT = new ConfigKey<>("consumer.heartbeat", "1s",
            "How often a consumer stamps its slot's heartbeat.", durationRange(Duration.ofMillis(10), Duration.ofMinutes(10)));
    public static final ConfigKey<Duration> LEASE = new ConfigKey<>("consumer.lease", "10s",
            "A slot whose owner process is gone and whose heartbeat is older than this is orphaned: a running consumer adopts its unfinished batch.",
            durationRange(Duration.ofMillis(100), Duration.ofHours(1)));
    public static final ConfigKey<Duration> STOP_GRACE = new ConfigKey<>("consumer.stop-grace", "5s",
            "On SIGTERM a consumer finishes its claimed batch for at most this long, then stops after the task in hand.",
            durationRange(Duration.ZERO, Duration.ofHours(1)));
    public static final ConfigKey<Long> RATE = new ConfigKey<>("producer.rate", "0",
            "Tasks per second a synthetic or CSV producer sends; 0 means as fast as possible.", longRange(0, 1_000_000_000L));
    public static final ConfigKey<String> PRODUCER_SYNC = new ConfigKey<>("producer.sync", "none",
            "none: a put returns once its task is in the page cache (survives kill -9 of any process); msync: a put returns "
                    + "only after its excerpt and the ledger's submitted count are flushed to disk (survives power loss; one "
                    + "disk flush per put).", Keys::producerSync);
    public static final ConfigKey<Integer> DEMO_CONSUMERS = new ConfigKey<>("demo.consumers", "3",
            "Consumer processes the demo starts.", intRange(1, 64));
    public static final ConfigKey<Long> DEMO_COUNT = new ConfigKey<>("demo.count", "1000000",
            "Tasks the demo submits.", longRange(1, 1_000_000_000L));
    public static final ConfigKey<Path> DEMO_DATA_DIR = new ConfigKey<>("demo.data-dir", "var/taskq-demo",
            "Data directory of the demo; each demo run empties it first (only if it holds an earlier demo run).",
            Keys::path);

    public static final List<ConfigKey<?>> ALL = List.of(DATA_DIR, PERMISSIONS_MODE, ALLOW_OTHER_WRITABLE, SLOTS_MAX, ROLL_CYCLE, MAX_BODY_BYTES, MIN_FREE_BYTES, KEEP_CYCLES, BATCH_SIZE, IDLE,
            HANDLER, HEARTBEAT, LEASE, STOP_GRACE, RATE, PRODUCER_SYNC, DEMO_CONSUMERS, DEMO_COUNT, DEMO_DATA_DIR);

    private Keys() {
    }

    public static ConfigKey<?> byName(String name) {
        for (ConfigKey<?> key : ALL)
            if (key.name().equals(name))
                return key;
        return null;
    }

    static Function<String, Integer> intRange(int min, int max) {
        return s -> (int) (long) longRange(min, max).apply(s);
    }

    static Function<String, Long> longRange(long min, long max) {
        return s -> {
            long v;
            try {
                v = Long.parseLong(s.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a whole number in " + min + ".." + max);
            }
            if (v < min || v > max)
                throw new IllegalArgumentException("must be " + min + ".." + max);
            return v;
        };
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

    static Function<String, Duration> durationRange(Duration min, Duration max) {
        return s -> {
            Duration d = parseDuration(s);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0)
                throw new IllegalArgumentException("must be a duration from " + format(min) + " to " + format(max));
            return d;
        };
    }

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

    private static String permissionsMode(String s) {
        String mode = s.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("owner") && !mode.equals("group"))
            throw new IllegalArgumentException("must be owner or group");
        return mode;
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
        try {
            return intRange(1, 1_000_000).apply(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be all or a whole number in 1..1000000");
        }
    }

    private static String idle(String s) {
        String name = s.trim().toLowerCase(Locale.ROOT);
        if (!IdleStrategies.NAMES.contains(name))
            throw new IllegalArgumentException("must be one of " + String.join(", ", IdleStrategies.NAMES));
        return name;
    }

    /** The values of {@code producer.sync}. */
    public static final List<String> PRODUCER_SYNC_MODES = List.of("none", "msync");

    private static String producerSync(String s) {
        String mode = s.trim().toLowerCase(Locale.ROOT);
        if (!PRODUCER_SYNC_MODES.contains(mode))
            throw new IllegalArgumentException("must be one of " + String.join(", ", PRODUCER_SYNC_MODES));
        return mode;
    }

    private static String handlerName(String s) {
        String name = s.trim();
        if (!name.matches("[a-z0-9][a-z0-9-]*"))
            throw new IllegalArgumentException("must be a handler name of lower-case letters, digits and dashes");
        return name;
    }
}
